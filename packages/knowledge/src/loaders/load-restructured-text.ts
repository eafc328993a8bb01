import type { KnowledgeDocument } from '../knowledge-document.js';
import type { MetadataDefaults } from './build-document-metadata.js';
import { createKnowledgeDocument } from './create-knowledge-document.js';
import { parseFrontMatter } from './parse-front-matter.js';
import { cleanHeading, SectionBuilder } from './section-builder.js';

const ADORNMENT = /^([=\-`:'"~^_*+#<>.])\1{2,}\s*$/;
const DIRECTIVE = /^(\s*)\.\.\s+([\w:-]+)::(.*)$/;
const CODE_DIRECTIVES = new Set(['code-block', 'code', 'sourcecode', 'highlight', 'doctest', 'parsed-literal']);
/** Directives whose body is navigation or media, not prose worth retrieving. */
const SKIPPED_DIRECTIVES = new Set([
  'toctree',
  'image',
  'figure',
  'contents',
  'include',
  'literalinclude',
  'exampleinclude',
  'raw',
  'automodule',
  'autoclass',
  'autofunction',
  'autoapi',
  'spelling:word-list',
]);

/**
 * reStructuredText -> a document of headed sections. Heading levels follow the order in which adornment styles
 * first appear (underline only vs over-and-underline, per character), as docutils does. `.. code-block::`
 * directives and `::` literal blocks are kept whole as code; comments (the licence header) are dropped.
 */
export function loadRestructuredText(options: {
  path: string;
  text: string;
  defaults?: MetadataDefaults;
}): KnowledgeDocument {
  const { data, body } = parseFrontMatter(options.text);
  const lines = body.split(/\r?\n/);
  const builder = new SectionBuilder();
  const styles: string[] = [];
  const levelOf = (style: string): number => {
    if (!styles.includes(style)) styles.push(style);
    return styles.indexOf(style) + 1;
  };
  const indentedBlockEnd = (start: number, baseIndent: number): number => {
    let end = start;
    while (end < lines.length) {
      const line = lines[end] ?? '';
      if (line.trim() !== '' && indentOf(line) <= baseIndent) break;
      end++;
    }
    return end;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';

    // over-and-underlined heading
    const over = ADORNMENT.exec(line);
    if (
      over &&
      next.trim() !== '' &&
      ADORNMENT.exec(lines[i + 2] ?? '')?.[1] === over[1] &&
      builder.openLines.length === 0
    ) {
      builder.heading(levelOf(`over${over[1]}`), cleanRst(next.trim()));
      i += 2;
      continue;
    }
    // underlined heading
    const under = ADORNMENT.exec(next);
    if (
      under &&
      line.trim() !== '' &&
      indentOf(line) === 0 &&
      !ADORNMENT.test(line) &&
      builder.openLines.length === 0 &&
      next.trim().length >= Math.min(line.trim().length, 3)
    ) {
      builder.heading(levelOf(`under${under[1]}`), cleanRst(line.trim()));
      i += 1;
      continue;
    }
    if (over && builder.openLines.length === 0) continue; // a transition line

    const directive = DIRECTIVE.exec(line);
    if (directive) {
      const indent = (directive[1] as string).length;
      const name = (directive[2] as string).toLowerCase();
      const end = indentedBlockEnd(i + 1, indent);
      if (CODE_DIRECTIVES.has(name)) {
        builder.code(dedent(lines.slice(i, end)).join('\n'));
        i = end - 1;
      } else if (SKIPPED_DIRECTIVES.has(name)) {
        i = end - 1;
      } else {
        builder.breakParagraph();
        const argument = (directive[3] as string).trim();
        builder.line(`${name[0]?.toUpperCase() ?? ''}${name.slice(1)}:${argument ? ` ${argument}` : ''}`);
        // options (":key: value") are metadata, the rest of the indented body is prose read by the loop
        while (/^\s+:[\w-]+:/.test(lines[i + 1] ?? '')) i++;
      }
      continue;
    }
    if (/^\s*\.\.(?:\s|$)/.test(line)) {
      // comment, hyperlink target or substitution definition: skip with its indented body
      i = indentedBlockEnd(i + 1, indentOf(line)) - 1;
      continue;
    }

    if (line.trim() === '') {
      builder.breakParagraph();
      continue;
    }

    if (/::\s*$/.test(line)) {
      // literal block: the next indented block after a blank line is code
      const start = lines.findIndex((l, j) => j > i && l.trim() !== '');
      if (start > i && indentOf(lines[start] ?? '') > indentOf(line)) {
        const text = line.replace(/\s*::\s*$/, line.trim() === '::' ? '' : ':');
        if (text.trim() !== '') builder.line(text);
        const end = indentedBlockEnd(start, indentOf(line));
        builder.code(dedent(lines.slice(start, end)).join('\n'));
        i = end - 1;
        continue;
      }
    }
    builder.line(line.trim());
  }

  return createKnowledgeDocument({
    format: 'rst',
    path: options.path,
    data,
    body,
    builder,
    defaults: options.defaults,
  });
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)?.[0].length ?? 0;
}

function dedent(lines: readonly string[]): string[] {
  const trimmed = [...lines];
  while (trimmed.length > 0 && (trimmed.at(-1) ?? '').trim() === '') trimmed.pop();
  const indents = trimmed.filter((l) => l.trim() !== '').map(indentOf);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return trimmed.map((l) => l.slice(Math.min(cut, indentOf(l))));
}

/** Roles and inline literals reduced to their text, for heading paths. */
function cleanRst(text: string): string {
  return cleanHeading(text.replace(/:[\w:-]+:`([^`<]*?)(?:\s*<[^>]*>)?`/g, '$1').replace(/``([^`]*)``/g, '$1'));
}
