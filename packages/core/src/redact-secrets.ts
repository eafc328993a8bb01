/**
 * Masks secrets in free text before it leaves the service (tool output, logs of Airflow tasks, errors).
 * Known secret values are replaced exactly; common credential shapes are masked by pattern.
 */
/**
 * Each pattern with a cheap test that must pass before it runs: the look-behind patterns are slow on long text,
 * and most text (documentation passages, log lines) contains none of their keywords.
 */
const PATTERNS: readonly { when: (text: string) => boolean; pattern: RegExp }[] = [
  // bearer tokens (before key=value, which would otherwise take "Bearer" for the value)
  { when: (t) => t.includes('Bearer'), pattern: /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g },
  // JWTs wherever they appear
  { when: (t) => t.includes('eyJ'), pattern: /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g },
  // user:password@ in connection URIs
  { when: (t) => t.includes('://'), pattern: /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi },
  // key=value and "key": "value" for secret-looking keys
  {
    when: (t) => /passw|pwd|secret|token|api[_-]?key|access[_-]?key|authorization/i.test(t),
    pattern:
      /(?<=\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|authorization)\b["']?\s*(?:[:=]|\bis\b)\s*["']?)[^\s"',;&]+/gi,
  },
  // Korean: 비밀번호는 X, 암호: X, 토큰은 X
  {
    when: (t) => /비밀|패스워드|암호|토큰/.test(t),
    pattern: /(?<=(?:비밀번호|패스워드|암호|토큰|비밀\s*키)\s*(?:는|은|:|=|\s)\s*["']?)[^\s"',;&]+/g,
  },
  // Google API keys
  { when: (t) => t.includes('AIza'), pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
];

export const MASK = '***';

/**
 * redactSecrets applied to every string inside a JSON-like value (keys kept). Masking the strings rather than the
 * serialized JSON keeps escaping intact: a masked value can never swallow a quote or a backslash escape.
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
            ? Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, mask(inner)]))
            : v;
  return mask(value) as T;
}

/** Any keyword of any pattern: one scan that lets most text skip all of them. */
const ANY_TRIGGER =
  /Bearer|eyJ|:\/\/|passw|pwd|secret|token|api[_-]?key|access[_-]?key|authorization|비밀|패스워드|암호|토큰|AIza/i;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(MASK);
  }
  if (!ANY_TRIGGER.test(out)) return out;
  for (const { when, pattern } of PATTERNS) if (when(out)) out = out.replace(pattern, MASK);
  return out;
}
