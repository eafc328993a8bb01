import type { DocumentBlock, KnowledgeDocument } from '../knowledge-document.js';

export interface SplitOptions {
  /** Target chunk length in characters (default 1000). A code block longer than this becomes one larger chunk. */
  chunkSize?: number;
  /** Characters of the previous chunk's prose repeated at the start of the next one in the same section (default 150). */
  overlap?: number;
}

export interface DocumentChunk {
  ordinal: number;
  /** "DuckDB > Bulk loading": the headings above the chunk. */
  headingPath: string;
  text: string;
}

export const HEADING_SEPARATOR = ' > ';
const SEPARATORS: readonly RegExp[] = [/(?<=\n)/, /(?<=[.!?。！？])\s+/, /(?<=[,;:])\s+/, /(?<=\s)/];

/**
 * Heading-aware recursive splitting: each section is packed into chunks of whole blocks; a paragraph longer
 * than the chunk size is cut at lines, then sentences, then clauses, then words; code blocks are never cut.
 * Chunks never span two sections, so each carries exactly one heading path.
 */
export function splitDocument(document: KnowledgeDocument, options: SplitOptions = {}): DocumentChunk[] {
  const chunkSize = Math.max(100, options.chunkSize ?? 1000);
  const overlap = Math.max(0, Math.min(options.overlap ?? 150, Math.floor(chunkSize / 2)));
  const chunks: DocumentChunk[] = [];
  for (const section of document.sections) {
    const headingPath = section.headingPath.join(HEADING_SEPARATOR);
    for (const text of packSection(section.blocks, chunkSize, overlap)) {
      chunks.push({ ordinal: chunks.length, headingPath, text });
    }
  }
  return chunks;
}

interface Unit {
  kind: DocumentBlock['kind'];
  text: string;
  /** How the unit attaches to the one before it: a new paragraph, or the continuation of a cut one. */
  joiner: string;
}

function packSection(blocks: readonly DocumentBlock[], chunkSize: number, overlap: number): string[] {
  const units = blocks.flatMap((block): Unit[] =>
    block.kind === 'code'
      ? [{ kind: 'code', text: block.text, joiner: '\n\n' }]
      : splitText(block.text, chunkSize - overlap, 0).map((text, i) => ({
          kind: 'text',
          text,
          joiner: i === 0 ? '\n\n' : ' ',
        })),
  );
  const out: string[] = [];
  let current: Unit[] = [];
  const render = (): string => current.map((u, i) => (i === 0 ? u.text : u.joiner + u.text)).join('');
  for (const unit of units) {
    if (current.length > 0 && render().length + unit.joiner.length + unit.text.length > chunkSize) {
      out.push(render());
      const last = current.at(-1);
      const room = chunkSize - unit.text.length - unit.joiner.length;
      const tail = last?.kind === 'text' ? overlapTail(last.text, Math.min(overlap, room)) : '';
      current = tail ? [{ kind: 'text', text: tail, joiner: '' }] : [];
    }
    current.push(unit);
  }
  if (current.length > 0) out.push(render());
  return out;
}

/** Recursive character splitting of prose into pieces of at most `size` characters. */
function splitText(text: string, size: number, level: number): string[] {
  if (text.length <= size) return [text];
  const separator = SEPARATORS[level];
  if (!separator) {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    return pieces;
  }
  const parts = text.split(separator).filter((p) => p !== '');
  if (parts.length <= 1) return splitText(text, size, level + 1);
  const pieces: string[] = [];
  let current = '';
  for (const part of parts) {
    const joiner = current === '' || /\s$/.test(current) || level === 0 ? '' : ' ';
    if (current !== '' && current.length + joiner.length + part.length > size) {
      pieces.push(current.trim());
      current = '';
    }
    if (part.length > size) {
      pieces.push(...splitText(part.trim(), size, level + 1));
      continue;
    }
    current += (current === '' ? '' : joiner) + part;
  }
  if (current.trim() !== '') pieces.push(current.trim());
  return pieces.filter((p) => p !== '');
}

/** The last `max` characters of a text, starting at a sentence if one begins there, else at a word. */
function overlapTail(text: string, max: number): string {
  if (max <= 20 || text.length <= 0) return '';
  if (text.length <= max) return text;
  const tail = text.slice(text.length - max);
  const sentence = /[.!?。！？]\s+(?=\S)/.exec(tail);
  if (sentence && sentence.index + sentence[0].length < tail.length - 20) {
    return tail.slice(sentence.index + sentence[0].length);
  }
  const space = tail.search(/\s/);
  return space >= 0 && space < tail.length - 1 ? tail.slice(space + 1) : tail;
}
