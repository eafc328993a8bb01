/**
 * YAML front matter (`---` ... `---` at the top of a file), parsed for the flat subset documents use:
 * `key: value` scalars (bare, single- or double-quoted), inline lists `[a, "b"]`, block lists (`- item`),
 * block scalars (`|`, `>`) and `#` comments. Nested maps are ignored. No dependency needed for that much.
 */
export type FrontMatterValue = string | readonly string[];

export interface FrontMatter {
  data: Record<string, FrontMatterValue>;
  /** The text after the closing delimiter. */
  body: string;
}

const OPEN = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/m;

export function parseFrontMatter(text: string): FrontMatter {
  const open = OPEN.exec(text);
  if (!open) return { data: {}, body: text.replace(/^\uFEFF/, '') };
  const rest = text.slice(open[0].length);
  const close = CLOSE.exec(rest);
  if (!close) return { data: {}, body: text };
  const yaml = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length).replace(/^\r?\n/, '');
  return { data: parseFlatYaml(yaml), body };
}

function parseFlatYaml(yaml: string): Record<string, FrontMatterValue> {
  const data: Record<string, FrontMatterValue> = {};
  const lines = yaml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const match = /^([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    const raw = stripComment(match[2] ?? '').trim();
    if (raw === '|' || raw === '>' || /^[|>][+-]?$/.test(raw)) {
      const block: string[] = [];
      while (i + 1 < lines.length && (/^\s+\S/.test(lines[i + 1] ?? '') || (lines[i + 1] ?? '').trim() === '')) {
        block.push((lines[++i] ?? '').trim());
      }
      data[key] = raw.startsWith('|') ? block.join('\n').trim() : block.join(' ').replace(/\s+/g, ' ').trim();
    } else if (raw === '') {
      const items: string[] = [];
      while (i + 1 < lines.length && /^\s*-\s+/.test(lines[i + 1] ?? '')) {
        items.push(unquote(stripComment((lines[++i] ?? '').replace(/^\s*-\s+/, '')).trim()));
      }
      if (items.length > 0) data[key] = items;
    } else if (raw.startsWith('[') && raw.endsWith(']')) {
      data[key] = splitInlineList(raw.slice(1, -1));
    } else {
      data[key] = unquote(raw);
    }
  }
  return data;
}

function stripComment(value: string): string {
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(value[i - 1] ?? ''))) {
      return value.slice(0, i);
    }
  }
  return value;
}

function splitInlineList(inner: string): string[] {
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of inner) {
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ',') {
      items.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  items.push(current);
  return items.map((item) => unquote(item.trim())).filter((item) => item !== '');
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\nt])/g, (_m, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}
