const WORDS: Record<string, string> = { None: 'null', True: 'true', False: 'false' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

/**
 * Python's repr of plain data (dicts, lists, str, int, float, None, True, False), as Airflow 2's API v1 hands XCom
 * values over, read as the same value in JSON; anything else (a datetime, a tuple, a set, nan) comes back as the text.
 */
export function parsePythonLiteral(text: string): unknown {
  let json = '';
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] !== '\\') {
          value += text[j];
          continue;
        }
        const next = text[++j] ?? '';
        const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
        if (hex > 0) {
          value += String.fromCodePoint(Number.parseInt(text.slice(j + 1, j + 1 + hex), 16));
          j += hex;
        } else value += ESCAPES[next] ?? `\\${next}`;
      }
      if (j >= text.length) return text;
      json += JSON.stringify(value);
      i = j + 1;
    } else if (/[-0-9]/.test(c)) {
      const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i))?.[0] ?? c;
      json += number;
      i += number.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0] ?? c;
      const mapped = WORDS[word];
      if (mapped === undefined) return text;
      json += mapped;
      i += word.length;
    } else {
      json += c;
      i += 1;
    }
  }
  try {
    return JSON.parse(json);
  } catch {
    return text;
  }
}
