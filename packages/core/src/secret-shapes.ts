/**
 * Where credential-shaped values sit in a text, as [start, end) ranges. Every finder is linear in the text: it looks
 * for a short literal trigger (a bounded regex or indexOf), reads forward with hand-written loops, and resumes after
 * what it read, so no character is read more than a few times and nothing can backtrack.
 */
export type Range = [start: number, end: number];

const isIdentifierChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
const isSpace = (c: number) => c === 32 || c === 9;
const isHangul = (c: number) => c >= 0xac00 && c <= 0xd7a3;
const isWhitespace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a);
/** A bare value ends at whitespace or a quote. */
const endsValue = (c: number) => isWhitespace(c) || c === 34 || c === 39 || c === 96;
/** ",", ";" or "&" end it where a space, the end, or the next key=value follows ("a=1&token=2", "pw is x, then"). */
const SEPARATOR_THEN_KEY = /[,;&](?:\s|$|[A-Za-z0-9_.-]{1,64}[=:])/y;

function skipSpaces(text: string, i: number, max = 8): number {
  let j = i;
  while (j < text.length && j - i < max && isSpace(text.charCodeAt(j))) j++;
  return j;
}

function readBareValue(text: string, i: number): number {
  let j = i;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (endsValue(c)) break;
    if (c === 44 || c === 59 || c === 38) {
      SEPARATOR_THEN_KEY.lastIndex = j;
      if (SEPARATOR_THEN_KEY.test(text)) break;
    }
  }
  return j;
}

/** A value after a separator: quoted (up to 512 characters to the closing quote) or bare. [start, end) of the value. */
function readValue(text: string, i: number): Range {
  const quote = text.charAt(i);
  if (quote === '"' || quote === "'" || quote === '`') {
    const limit = Math.min(text.length, i + 513);
    for (let j = i + 1; j < limit; j++) {
      const c = text.charAt(j);
      if (c === '\\') j++;
      else if (c === quote) return [i + 1, j];
      else if (c === '\n') break;
    }
    return [i + 1, readBareValue(text, i + 1)];
  }
  return [i, readBareValue(text, i)];
}

// Plurals (secrets, tokens, credentials) head lists and prose ("secrets backend", "max_tokens"), not values.
const SECRET_SUBSTRINGS =
  /password|passwd|passphrase|secret(?!s)|token(?!s|iz)|api[_-]?key|access[_-]?key|private[_-]?key|credential(?!s)|authorization|signature/;
const SECRET_SEGMENTS = new Set(['pass', 'passcode', 'pwd', 'pw', 'pword', 'auth', 'sig', 'sas']);

const secretNames = new Map<string, boolean>();

/** A key that names a credential: db_password, AWS_SECRET_ACCESS_KEY, clientSecret, x-api-key, pw, pass, ... */
export function isSecretName(name: string): boolean {
  const known = secretNames.get(name);
  if (known !== undefined) return known;
  const secret =
    SECRET_SUBSTRINGS.test(name.toLowerCase()) ||
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[\s_.-]+/)
      .some((segment) => SECRET_SEGMENTS.has(segment));
  if (name.length <= 64) {
    if (secretNames.size >= 2000) secretNames.clear();
    secretNames.set(name, secret);
  }
  return secret;
}

const STOPWORDS = new Set([
  'not',
  'null',
  'none',
  'true',
  'false',
  'empty',
  'required',
  'missing',
  'set',
  'unset',
  'invalid',
  'wrong',
  'correct',
  'stored',
  'a',
  'an',
  'the',
  'and',
  'or',
  'it',
  'is',
  'was',
  'this',
  'that',
  // type annotations: `token: str`
  'str',
  'string',
  'int',
  'bool',
  'number',
  'any',
  'dict',
  'list',
  'bytes',
  'optional',
  '***',
]);

/**
 * For "password X" and "password is X": only values that look generated, not prose ("password reset", "secret is
 * therefore", "pass `default=`"). Punctuation around the word does not count.
 */
function looksSecret(raw: string): boolean {
  const value = raw.slice(0, 256).replace(/^[([{<]+|[)\]}>.,:;!?]+$/g, '');
  if (value.length < 4 || value.endsWith('=') || STOPWORDS.has(value.toLowerCase())) return false;
  return /[0-9]/.test(value) || /[^A-Za-z0-9\u3131-\uD7A3]/.test(value) || /[a-z][A-Z]|[A-Z]{2}[a-z]/.test(value);
}

const PARTICLES = '는은이가를을';
const SCHEMES = new Set(['bearer', 'basic', 'token', 'digest', 'bot']);

/**
 * After a key ending at `i`: an optional closing quote, an optional Korean particle, spaces, an operator (`:`, `=`,
 * `:=`, `=>`, `is`), spaces, then the value. Returns the value's range (an authorization scheme word skipped), or
 * undefined when no value follows or a value without an operator does not look like a secret.
 */
function valueAfterKey(text: string, key: number, korean: boolean): Range | undefined {
  let i = key;
  let assigned = false;
  if (!korean && (text.charCodeAt(i) === 34 || text.charCodeAt(i) === 39)) i++;
  if (PARTICLES.includes(text.charAt(i)) && (korean || !isHangul(text.charCodeAt(i + 1)))) {
    i++;
    assigned = true;
  }
  const afterKey = i;
  i = skipSpaces(text, i);
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if ((c === 58 && next === 61) || (c === 61 && next === 62)) [i, assigned] = [i + 2, true];
  else if (c === 58 || c === 61 || c === 0xff1a) [i, assigned] = [i + 1, true];
  else if (!korean && i > afterKey && (c | 32) === 105 && (next | 32) === 115 && isSpace(text.charCodeAt(i + 2))) {
    i += 2; // "the password is X": prose, so X must look like a secret, as without an operator
  } else if (i === afterKey && !assigned) return undefined;
  i = skipSpaces(text, i);
  let [start, end] = readValue(text, i);
  if (end - start <= 6 && SCHEMES.has(text.slice(start, end).toLowerCase()) && isSpace(text.charCodeAt(end))) {
    [start, end] = readValue(text, skipSpaces(text, end));
    assigned = true;
  }
  if (!isHangul(text.charCodeAt(start))) {
    // "hunter22입니다": the Korean ending is not part of the value.
    for (let j = start + 1; j < end; j++) if (isHangul(text.charCodeAt(j))) end = j;
  }
  // One character is no secret worth the noise ("password: `@` as %40", f"Bearer {token}").
  if (end - start < 2 || (!assigned && text.charCodeAt(start - 1) === 96)) return undefined;
  const value = end - start <= 8 ? text.slice(start, end) : '';
  if (value === '***') return undefined;
  if (assigned ? STOPWORDS.has(value.toLowerCase()) : !looksSecret(text.slice(start, end))) return undefined;
  return [start, end];
}

const KEY_HIT = /pass|pwd|pw|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth|sig|sas/gi;

/** key=value, key: value, "key": "value", key is value, password X: for keys that name a credential. */
function keyValues(text: string, out: Range[]): void {
  KEY_HIT.lastIndex = 0;
  let done = 0;
  for (let hit = KEY_HIT.exec(text); hit; hit = KEY_HIT.exec(text)) {
    if (hit.index < done) {
      KEY_HIT.lastIndex = done;
      continue;
    }
    let start = hit.index;
    while (start > done && isIdentifierChar(text.charCodeAt(start - 1))) start--;
    let end = hit.index + hit[0].length;
    while (end < text.length && isIdentifierChar(text.charCodeAt(end))) end++;
    done = end;
    // user:password@ in a URI is the URI finder's: "https://x-access-token:t@host" keeps its host.
    if (text.slice(start - 3, start) !== '://' && isSecretName(text.slice(start, end))) {
      const value = valueAfterKey(text, end, false);
      if (value) {
        out.push(value);
        done = value[1];
      }
    }
    KEY_HIT.lastIndex = done;
  }
}

function hasLatinOrDigit(text: string, [start, end]: Range): boolean {
  for (let j = start; j < end; j++) {
    const c = text.charCodeAt(j) | 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return true;
  }
  return false;
}

const KOREAN_KEY = /비밀 ?번호|패스워드|비번|암호|토큰|비밀 ?키|시크릿|인증 ?키|액세스 ?키|[Aa][Pp][Ii] ?키/g;

/** 비밀번호는 X, 암호: X, 토큰은 X, 비밀번호를 X로, 패스워드 X. */
function koreanKeyValues(text: string, out: Range[]): void {
  KOREAN_KEY.lastIndex = 0;
  for (let hit = KOREAN_KEY.exec(text); hit; hit = KOREAN_KEY.exec(text)) {
    const end = hit.index + hit[0].length;
    const value = valueAfterKey(text, end, true);
    // Korean prose after the word ("비밀번호는 안전하게 ...") is not a value: a value has a Latin letter or a digit.
    if (value && hasLatinOrDigit(text, value)) {
      out.push(value);
      KOREAN_KEY.lastIndex = value[1];
    }
  }
}

const BEARER = /\bbearer[ \t]+/gi;

function bearerTokens(text: string, out: Range[]): void {
  BEARER.lastIndex = 0;
  for (let hit = BEARER.exec(text); hit; hit = BEARER.exec(text)) {
    const start = hit.index + hit[0].length;
    let end = start;
    while (end < text.length && /[A-Za-z0-9._~+/=-]/.test(text.charAt(end))) end++;
    if (end - start >= 8) out.push([start, end]);
    BEARER.lastIndex = Math.max(end, start);
  }
}

/** Token formats with a fixed prefix: the characters that may follow and how many make a token. */
const PREFIXED: readonly { prefix: RegExp; chars: RegExp; min: number; dots?: number }[] = [
  { prefix: /^A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)$/, chars: /[A-Z0-9]/, min: 16 },
  { prefix: /^(?:sk-|[sr]k_(?:live|test)_)$/, chars: /[A-Za-z0-9_-]/, min: 20 },
  { prefix: /^gh[pousr]_$/, chars: /[A-Za-z0-9]/, min: 30 },
  { prefix: /^(?:github_pat_|glpat-)$/, chars: /[A-Za-z0-9_-]/, min: 20 },
  { prefix: /^xox[abposre]-$/, chars: /[A-Za-z0-9-]/, min: 10 },
  { prefix: /^AIza$/, chars: /[A-Za-z0-9_-]/, min: 30 },
  { prefix: /^(?:npm_|hf_)$/, chars: /[A-Za-z0-9]/, min: 30 },
  { prefix: /^eyJ$/, chars: /[A-Za-z0-9_.-]/, min: 4, dots: 2 },
  { prefix: /^hooks\.slack\.com\/services\/$/, chars: /[A-Za-z0-9/_-]/, min: 10 },
];
const PREFIX =
  /(?<![A-Za-z0-9_])(?:A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)|sk-|[sr]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abposre]-|AIza|npm_|hf_|eyJ|hooks\.slack\.com\/services\/)/g;

/** AWS, OpenAI, Stripe, GitHub, GitLab, Slack (tokens and webhook URLs), Google API keys, npm, Hugging Face, JWTs. */
function prefixedTokens(text: string, out: Range[]): void {
  PREFIX.lastIndex = 0;
  for (let hit = PREFIX.exec(text); hit; hit = PREFIX.exec(text)) {
    const shape = PREFIXED.find((s) => s.prefix.test(hit[0]));
    const from = hit.index + hit[0].length;
    let end = from;
    let dots = 0;
    while (end < text.length && shape?.chars.test(text.charAt(end))) {
      if (text.charCodeAt(end) === 46) dots++;
      end++;
    }
    const slack = hit[0].startsWith('hooks');
    if (shape && end - from >= shape.min && dots >= (shape.dots ?? 0)) out.push([slack ? from : hit.index, end]);
    PREFIX.lastIndex = Math.max(end, from);
  }
}

const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** A bare AWS secret access key: exactly 40 base64 characters with upper and lower case and digits. */
function awsSecretKeys(text: string, out: Range[]): void {
  AWS_SECRET.lastIndex = 0;
  for (let hit = AWS_SECRET.exec(text); hit; hit = AWS_SECRET.exec(text)) {
    const v = hit[0];
    if (/[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v) && v.split('/').length <= 4) {
      out.push([hit.index, hit.index + 40]);
    }
  }
}

/** The body of a PEM private key block (to the END line, or to the end of the text when it is cut). */
export function pemPrivateKeys(text: string, out: Range[]): void {
  let from = 0;
  for (let begin = text.indexOf('-----BEGIN ', from); begin >= 0; begin = text.indexOf('-----BEGIN ', from)) {
    const close = text.indexOf('-----', begin + 11);
    if (close < 0 || close - begin > 80) {
      from = begin + 11;
      continue;
    }
    if (!text.slice(begin, close).includes('PRIVATE KEY')) {
      from = close + 5;
      continue;
    }
    const end = text.indexOf('-----END', close + 5);
    out.push([close + 5, end < 0 ? text.length : end]);
    if (end < 0) return;
    from = end + 8;
  }
}

/** scheme://user:password@host: the password (up to the last @ of the authority). */
function uriPasswords(text: string, out: Range[]): void {
  let from = 0;
  for (let at = text.indexOf('://', from); at >= 0; at = text.indexOf('://', from)) {
    let end = at + 3;
    while (end < text.length && !/[\s"'`<>/?#]/.test(text.charAt(end))) end++;
    const authority = text.slice(at + 3, end);
    const userinfo = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (userinfo > 0 && colon >= 0 && colon < userinfo && userinfo > colon + 1) {
      out.push([at + 3 + colon + 1, at + 3 + userinfo]);
    }
    from = end;
  }
}

/** The finders that only look near what they find (a key and its value, a token, a URI): all but PEM blocks. */
const LOCAL_FINDERS = [keyValues, koreanKeyValues, bearerTokens, prefixedTokens, awsSecretKeys, uriPasswords] as const;

/** The credential-shaped ranges that can be found from a window of the text (all but PEM blocks), shifted by `offset`. */
export function localSecretShapes(text: string, out: Range[] = [], offset = 0): Range[] {
  const found: Range[] = [];
  for (const find of LOCAL_FINDERS) find(text, found);
  for (const [start, end] of found) out.push([start + offset, end + offset]);
  return out;
}

/** Every credential-shaped range of `text`, in no particular order (they may overlap). */
export function secretShapes(text: string): Range[] {
  const out: Range[] = [];
  for (const find of LOCAL_FINDERS) find(text, out);
  pemPrivateKeys(text, out);
  return out;
}
