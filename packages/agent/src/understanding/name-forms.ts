import { KOREAN_NOUNS } from './lexicon.js';

/** A way a table or column name may be written in a request, and the name it means. */
export interface NameForm {
  form: string;
  name: string;
  /** How it was found: the name itself, a spelling of it, a Korean noun, a typo. */
  via: 'name' | 'spelling' | 'korean' | 'typo';
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word) && !/ss$/.test(word)) return word.slice(0, -1);
  return word;
}

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|sh|ch|x)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The spellings of a name: as is, with spaces for "_", singular and plural of its last word. */
function spellings(name: string): string[] {
  const lower = name.toLowerCase();
  const spaced = lower.replace(/_/g, ' ');
  const out = new Set([lower, spaced]);
  for (const base of [lower, spaced]) {
    const parts = base.split(/([ _])/);
    const last = parts.pop() ?? '';
    if (last.length >= 2) {
      out.add(parts.join('') + singular(last));
      out.add(parts.join('') + plural(last));
    }
  }
  if (lower.endsWith('_id')) out.add(`${spaced.slice(0, -3)} ids`).add(`${lower.slice(0, -3)}id`);
  return [...out].filter((s) => s.length > 1);
}

/** Every form under which the given names may appear: their spellings and the Korean nouns that reach them. */
export function nameForms(names: readonly string[]): NameForm[] {
  const forms = new Map<string, NameForm>();
  const add = (form: string, name: string, via: NameForm['via']) => {
    const key = form.toLowerCase();
    const existing = forms.get(key);
    // A form that is some name itself wins over a spelling of another.
    if (!existing || (via === 'name' && existing.via !== 'name')) forms.set(key, { form: key, name, via });
  };
  for (const name of names) add(name, name, 'name');
  // A spelling of a snake_case name keeps its spaces ("page views"), not a singular with "_" ("page_view" is as
  // likely a value as the table page_views).
  for (const name of names)
    for (const s of spellings(name)) if (!s.includes('_') || s === name.toLowerCase()) add(s, name, 'spelling');
  for (const [noun, stems] of Object.entries(KOREAN_NOUNS)) {
    const name = bestKoreanTarget(stems, names);
    if (name) add(noun, name, 'korean');
  }
  return [...forms.values()];
}

/** The first stem (in the noun's order of preference) that is one of the names, singular or plural. */
function bestKoreanTarget(stems: readonly string[], names: readonly string[]): string | undefined {
  for (const stem of stems) {
    const hit = names.find((n) => {
      const l = n.toLowerCase();
      return l === stem || singular(l) === singular(stem);
    });
    if (hit) return hit;
  }
  return undefined;
}

/**
 * A regex alternation matching any of the forms as a whole word (Latin) or a word start (Hangul, which takes
 * particles after it), longest first; group 1 is the form.
 */
export function formsPattern(forms: readonly NameForm[]): string {
  if (forms.length === 0) return '(?!)';
  const latin = forms
    .filter((f) => !/[\uac00-\ud7af]/.test(f.form))
    .map((f) => f.form)
    .sort((a, b) => b.length - a.length)
    .map((f) => escape(f).replace(/ /g, '\\s+'));
  const hangul = forms
    .filter((f) => /[\uac00-\ud7af]/.test(f.form))
    .map((f) => f.form)
    .sort((a, b) => b.length - a.length)
    .map((f) => escape(f).replace(/ /g, '\\s*'));
  const parts = [];
  if (latin.length) parts.push(`(?<![\\w])(?:${latin.join('|')})(?![\\w])`);
  // A Korean noun may start a word or follow a Latin name ("users테이블"); particles may follow it.
  if (hangul.length) parts.push(`(?<![\\uac00-\\ud7af])(?:${hangul.join('|')})(?:들)?`);
  return `[\`"]?(${parts.join('|')})[\`"]?`;
}

/** The name a matched form stands for. */
export function nameOfForm(forms: readonly NameForm[], matched: string): string | undefined {
  const key = matched
    .toLowerCase()
    .replace(/[`"]/g, '')
    .replace(/들$/, '')
    .replace(/[\s_]+/g, (m) => (m.includes('_') ? '_' : ' '))
    .trim();
  return (
    forms.find((f) => f.form === key)?.name ??
    forms.find((f) => f.form.replace(/[\s_]+/g, '') === key.replace(/[\s_]+/g, ''))?.name
  );
}

/** Levenshtein distance, bounded: returns max + 1 once it is certain to exceed max. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      // A swap of two neighbours counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (before[j - 2] ?? 0) + 1);
      cur[j] = v;
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** The one name a misspelt word is closest to (1 edit from 4 letters, 2 from 8), or undefined when none or a tie. */
export function nearestName(word: string, names: readonly string[], limit = 2): string | undefined {
  const w = word.toLowerCase();
  if (w.length < 4) return undefined;
  const max = Math.min(limit, w.length >= 8 ? 2 : 1);
  let best: string | undefined;
  let bestDistance = max + 1;
  let tie = false;
  for (const name of names) {
    for (const s of spellings(name)) {
      const d = editDistance(w, s, max);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
        tie = false;
      } else if (d === bestDistance && best !== name) tie = true;
    }
  }
  return bestDistance <= max && !tie ? best : undefined;
}
