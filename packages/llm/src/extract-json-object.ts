/**
 * Finds the JSON object in a model's free text: the body of a ```json fence when there is one, then the first
 * balanced {...} that parses (so prose around it, or braces in the prose before it, do not matter).
 * Returns the object's source text, or undefined when there is none.
 */
export function extractJsonObject(text: string): string | undefined {
  const fenced = /```(?:json|JSON)?[^\S\n]*\n([\s\S]*?)```/.exec(text);
  const candidates = fenced?.[1] === undefined ? [text] : [fenced[1], text];
  for (const candidate of candidates) {
    for (let start = candidate.indexOf('{'); start !== -1; start = candidate.indexOf('{', start + 1)) {
      const end = matchingBrace(candidate, start);
      // unclosed: the text was cut off, and any later brace is inside this object, never a whole answer
      if (end === undefined) break;
      const slice = candidate.slice(start, end + 1);
      if (parsesAsObject(slice)) return slice;
    }
  }
  return undefined;
}

/** Index of the brace closing the one at `start`, skipping braces inside JSON strings. */
function matchingBrace(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

function parsesAsObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
