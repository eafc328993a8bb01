/**
 * Python source for a value: the only way user text enters generated code. Strings become escaped literals
 * (JSON string syntax is valid Python), numbers are checked finite, nothing else is accepted.
 */
export type PyValue = string | number | boolean | null | undefined | readonly PyValue[] | { [key: string]: PyValue };

export function py(value: PyValue): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') {
    // JSON escapes quotes, backslashes and control characters; also escape U+2028/2029 for readability.
    return JSON.stringify(value)
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.map((v: PyValue) => py(v)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, PyValue>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${py(k)}: ${py(v)}`).join(', ')}}`;
}

export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line.length ? pad + line : line))
    .join('\n');
}
