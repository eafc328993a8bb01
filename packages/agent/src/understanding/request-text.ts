/** A span of the request a reader took, and what it meant. */
export interface Taken {
  start: number;
  end: number;
  text: string;
}

/**
 * The request as the readers consume it: every reader takes the spans it understood, and what nobody took is left
 * over. Words left over that carry meaning are what the planner refuses with, quoted; nothing is dropped silently.
 */
export class RequestText {
  readonly text: string;
  private readonly taken: boolean[];

  constructor(text: string) {
    // Full-width punctuation and odd spaces as their plain forms, so one set of patterns reads both.
    this.text = text
      .normalize('NFC')
      .replace(/[\u00a0\u2000-\u200b\u3000]/g, ' ')
      .replace(/[，、]/g, ',')
      .replace(/[。．]/g, '.')
      .replace(/[：]/g, ':')
      .replace(/[（]/g, '(')
      .replace(/[）]/g, ')')
      .replace(/[‘’]/g, "'")
      .replace(/[“”]/g, '"')
      // "수수료(fee)": a Korean word with the column's name beside it reads as the name (same length, same spans).
      .replace(
        /([\uac00-\ud7af]+)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)/g,
        (m, _word: string, name: string) => `${' '.repeat(m.length - name.length - 1)}${name} `,
      );
    this.taken = new Array<boolean>(this.text.length).fill(false);
  }

  isFree(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.taken[i]) return false;
    return true;
  }

  take(start: number, end: number): Taken {
    for (let i = start; i < end; i++) this.taken[i] = true;
    return { start, end, text: this.text.slice(start, end) };
  }

  /**
   * Matches of a global pattern that overlap nothing taken yet (earlier matches of the same call included). A match
   * that runs into taken text is tried again within the free stretch it starts in, so an optional tail that would
   * reach a taken phrase is left off instead of losing the whole match.
   */
  *free(pattern: RegExp): Generator<RegExpExecArray> {
    const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
    const re = new RegExp(pattern.source, flags);
    const sticky = new RegExp(pattern.source, `${flags.replace('g', '')}y`);
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (this.isFree(m.index, m.index + m[0].length)) {
        yield m;
        continue;
      }
      re.lastIndex = m.index + 1;
      if (this.taken[m.index]) continue;
      let limit = m.index;
      while (limit < this.text.length && !this.taken[limit]) limit++;
      sticky.lastIndex = m.index;
      const inside = sticky.exec(this.text.slice(0, limit));
      if (inside && inside[0].length > 0) {
        re.lastIndex = inside.index + inside[0].length;
        yield inside;
      }
    }
  }

  /** The first free match of a pattern, or undefined. */
  first(pattern: RegExp): RegExpExecArray | undefined {
    for (const m of this.free(pattern)) return m;
    return undefined;
  }

  /** Takes a whole match. */
  takeMatch(m: RegExpExecArray): Taken {
    return this.take(m.index, m.index + m[0].length);
  }

  /** Start and end of capture group `group` of a match made with the `d` flag. */
  static groupSpan(m: RegExpExecArray, group: number): [number, number] | undefined {
    return m.indices?.[group];
  }

  /** The pieces nobody took, with their positions. */
  leftovers(): Taken[] {
    const out: Taken[] = [];
    let start = -1;
    for (let i = 0; i <= this.text.length; i++) {
      const free = i < this.text.length && !this.taken[i];
      if (free && start < 0) start = i;
      if (!free && start >= 0) {
        out.push({ start, end: i, text: this.text.slice(start, i) });
        start = -1;
      }
    }
    return out;
  }
}
