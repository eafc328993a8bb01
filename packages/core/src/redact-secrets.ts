import { knownSecretRanges } from './known-secret-variants.js';
import { localSecretShapes, pemPrivateKeys, secretShapes, type Range } from './secret-shapes.js';

/**
 * Masks secrets in free text before it leaves the service (tool output, resources, logs, DAG files, prompts).
 * Known secret values are replaced wherever they appear (also reversed, base64 or hex); credential shapes (key=value,
 * prose in English and Korean, provider tokens, JWTs, PEM keys, passwords in URIs) are found by linear scanners
 * (secret-shapes.ts): the time taken grows with the length of the text, never with its square.
 */
export const MASK = '***';

/** Overlapping and touching ranges joined; each joined range becomes one MASK. */
function applyMasks(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let copied = 0;
  let [start, end] = ranges[0] as Range;
  const flush = () => {
    parts.push(text.slice(copied, start), MASK);
    copied = end;
  };
  for (const [s, e] of ranges) {
    if (s <= end) end = Math.max(end, e);
    else {
      flush();
      [start, end] = [s, e];
    }
  }
  flush();
  parts.push(text.slice(copied));
  return parts.join('');
}

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  const ranges = secretShapes(text);
  knownSecretRanges(text, knownSecrets, ranges);
  return applyMasks(text, ranges);
}

const WINDOW = 64 * 1024;
/** Context read on each side of a window: a key, its separator and its value fit in it. */
const OVERLAP = 2048;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * redactSecrets for long texts without holding the event loop: the text is scanned in 64 KB windows (each read
 * with 2 KB of context on both sides, so a key and its value across a window edge are still found), with a turn of
 * the event loop between windows. PEM blocks and known secrets are found over the whole text (indexOf scans).
 */
export async function redactSecretsAsync(text: string, knownSecrets: readonly string[] = []): Promise<string> {
  if (text.length <= WINDOW) return redactSecrets(text, knownSecrets);
  const ranges: Range[] = [];
  knownSecretRanges(text, knownSecrets, ranges);
  pemPrivateKeys(text, ranges);
  for (let at = 0; at < text.length; at += WINDOW) {
    await nextTurn();
    const from = Math.max(0, at - OVERLAP);
    localSecretShapes(text.slice(from, Math.min(text.length, at + WINDOW + OVERLAP)), ranges, from);
  }
  return applyMasks(text, ranges);
}

/**
 * redactSecrets applied to every string inside a JSON-like value, object keys included. Masking the strings rather
 * than the serialized JSON keeps escaping intact: a masked value can never swallow a quote or a backslash escape.
 */
export function redactSecretsDeep<T>(value: T, knownSecrets: readonly string[] = []): T {
  const mask = (v: unknown): unknown =>
    typeof v === 'string'
      ? redactSecrets(v, knownSecrets)
      : v instanceof Date
        ? v.toISOString()
        : Array.isArray(v)
          ? v.map(mask)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, inner]) => [redactSecrets(k, knownSecrets), mask(inner)]))
            : v;
  return mask(value) as T;
}

/** redactSecretsDeep for large values (tool answers, resources): long strings through redactSecretsAsync, with a
 * turn of the event loop after every 64 KB of text. */
export async function redactSecretsDeepAsync<T>(value: T, knownSecrets: readonly string[] = []): Promise<T> {
  let sinceTurn = 0;
  const maskString = async (text: string): Promise<string> => {
    sinceTurn += text.length;
    if (sinceTurn > WINDOW) {
      sinceTurn = 0;
      await nextTurn();
    }
    return redactSecretsAsync(text, knownSecrets);
  };
  const mask = async (v: unknown): Promise<unknown> => {
    if (typeof v === 'string') return maskString(v);
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) out.push(await mask(item));
      return out;
    }
    if (v === null || typeof v !== 'object') return v;
    const out: [string, unknown][] = [];
    for (const [k, inner] of Object.entries(v)) out.push([await maskString(k), await mask(inner)]);
    return Object.fromEntries(out);
  };
  return (await mask(value)) as T;
}

/**
 * The credential-shaped values inside a value's strings (a tool call's arguments, say), to be masked wherever they
 * turn up again: an answer may quote a request cut up or rearranged ("//etl pw@host"), out of the context that
 * made it recognisable. Values shorter than 4 characters are left out.
 */
export function secretValuesIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const [start, end] of secretShapes(v)) if (end - start >= 4) found.add(v.slice(start, end));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        visit(k);
        visit(inner);
      }
    }
  };
  visit(value);
  return [...found];
}

/**
 * A pipeline spec (or any caller-given value) with every string masked: description, tags, SQL, names, paths. What
 * a request carried never reaches the DAG file; call it on the validated spec, before the compile.
 */
export function redactSpecSecrets<T>(spec: T, knownSecrets: readonly string[] = []): T {
  return redactSecretsDeep(spec, knownSecrets);
}
