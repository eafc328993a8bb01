import type { KnowledgeDocument } from '../knowledge-document.js';
import type { MetadataDefaults } from './build-document-metadata.js';
import { createKnowledgeDocument } from './create-knowledge-document.js';
import { parseFrontMatter } from './parse-front-matter.js';
import { cleanHeading, SectionBuilder } from './section-builder.js';

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

/** Markdown with optional YAML front matter -> a document of headed sections; fenced code stays whole. */
export function loadMarkdown(options: { path: string; text: string; defaults?: MetadataDefaults }): KnowledgeDocument {
  const { data, body } = parseFrontMatter(options.text);
  const builder = new SectionBuilder();
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE_OPEN.exec(line);
    if (fence && !(fence[1]?.startsWith('`') && fence[2]?.includes('`'))) {
      const marker = fence[1] as string;
      const code = [line];
      const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
      while (i + 1 < lines.length) {
        const next = lines[++i] ?? '';
        code.push(next);
        if (close.test(next)) break;
      }
      builder.code(code.join('\n'));
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      builder.heading((atx[1] as string).length, cleanHeading(atx[2] ?? ''));
      continue;
    }
    const setext = SETEXT.exec(line);
    if (setext && builder.openLines.length === 1) {
      const text = cleanHeading(builder.openLines[0] ?? '');
      builder.dropOpenLines(1);
      builder.heading(setext[1]?.startsWith('=') ? 1 : 2, text);
      continue;
    }
    if (line.trim() === '') builder.breakParagraph();
    else builder.line(line);
  }
  return createKnowledgeDocument({
    format: 'markdown',
    path: options.path,
    data,
    body,
    builder,
    defaults: options.defaults,
  });
}
