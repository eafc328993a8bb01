import type { DocumentBlock, DocumentSection } from '../knowledge-document.js';

/**
 * Collects blocks under the current heading path while a loader walks a document. Shared by the markdown and
 * reStructuredText loaders, which differ only in how they recognise headings and code.
 */
export class SectionBuilder {
  private readonly sections: DocumentSection[] = [];
  private readonly headings: { level: number; text: string }[] = [];
  private blocks: DocumentBlock[] = [];
  private lines: string[] = [];
  firstHeading: string | undefined;

  heading(level: number, text: string): void {
    this.flushSection();
    while (this.headings.length > 0 && (this.headings.at(-1)?.level ?? 0) >= level) this.headings.pop();
    this.headings.push({ level, text });
    this.firstHeading ??= text;
  }

  /** Adds a line to the open paragraph. */
  line(text: string): void {
    this.lines.push(text);
  }

  /** Closes the open paragraph (a blank line). */
  breakParagraph(): void {
    const text = this.lines.join('\n').trim();
    this.lines = [];
    if (text !== '') this.blocks.push({ kind: 'text', text });
  }

  code(text: string): void {
    this.breakParagraph();
    if (text.trim() !== '') this.blocks.push({ kind: 'code', text: text.replace(/\s+$/, '') });
  }

  /** The lines of the open paragraph, for loaders whose syntax looks back (setext headings, `::`). */
  get openLines(): readonly string[] {
    return this.lines;
  }

  dropOpenLines(count: number): void {
    this.lines.splice(this.lines.length - count, count);
  }

  finish(): DocumentSection[] {
    this.flushSection();
    return this.sections;
  }

  private flushSection(): void {
    this.breakParagraph();
    if (this.blocks.length > 0) {
      this.sections.push({ headingPath: this.headings.map((h) => h.text), blocks: this.blocks });
    }
    this.blocks = [];
  }
}

/** Heading text without inline markup: links, emphasis, code ticks, trailing anchors. */
export function cleanHeading(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/\s*\{#[\w-]+\}\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
