import type { Range } from './secret-shapes.js';

const cache = new Map<string, readonly string[]>();

/**
 * The base64 characters fixed by `secret` alone when it starts `offset` bytes (0-2) into a longer base64 stream:
 * the leading characters shared with the bytes before it and the trailing ones shared with the bytes after are cut.
 */
function base64Core(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
    .toString('base64')
    .replace(/=+$/, '');
  const skip = offset === 0 ? 0 : offset === 1 ? 2 : 3;
  const total = offset + bytes.length;
  const keep = Math.floor(total / 3) * 4 - skip;
  return encoded.slice(skip, skip + Math.max(0, keep));
}

/**
 * A configured secret as it may appear after a trivial transform: itself, reversed, base64 (standard and URL-safe,
 * also inside a longer base64 text), hex (either case) and URL-encoded. Variants shorter than 4 characters (8 for
 * the base64 cores) are dropped: they would mask ordinary text.
 */
export function knownSecretVariants(secret: string): readonly string[] {
  const cached = cache.get(secret);
  if (cached) return cached;
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  const cores = [0, 1, 2].map((offset) => base64Core(bytes, offset)).filter((core) => core.length >= 8);
  const variants = [
    secret,
    [...secret].reverse().join(''),
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    ...cores,
    ...cores.map((core) => core.replace(/\+/g, '-').replace(/\//g, '_')),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(secret),
  ].filter((v) => v.length >= 4);
  const unique = [...new Set(variants)].sort((a, b) => b.length - a.length);
  if (cache.size > 1000) cache.clear();
  cache.set(secret, unique);
  return unique;
}

/** Where any variant of the known secrets occurs (indexOf scans: linear in the text for each variant). */
export function knownSecretRanges(text: string, secrets: readonly string[], out: Range[]): void {
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const variant of knownSecretVariants(secret)) {
      for (let at = text.indexOf(variant); at >= 0; at = text.indexOf(variant, at + variant.length)) {
        out.push([at, at + variant.length]);
      }
    }
  }
}
