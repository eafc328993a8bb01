/** The keywords Gemini's responseJsonSchema documents as supported (GenerationConfig, @google/genai 3.x types). */
export const GEMINI_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  '$id',
  '$defs',
  '$ref',
  '$anchor',
  'type',
  'format',
  'title',
  'description',
  'enum',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'anyOf',
  'oneOf',
  'properties',
  'additionalProperties',
  'required',
  'propertyOrdering',
]);
/** Keywords with a schema (or a map / list of schemas) as value. */
const SCHEMA_VALUED = new Set(['items', 'additionalProperties']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAPS = new Set(['properties', '$defs']);

/**
 * Rewrites a JSON Schema (zod's toJSONSchema output) into what Gemini accepts: `const` becomes a one-value
 * `enum` (Gemini has no `const`, and discriminators must survive), constraints it does not support
 * (pattern, minLength, maxLength, default, ...) are folded into `description` so the model still reads them,
 * and `$schema` is dropped. The validation ladder enforces every constraint afterwards anyway.
 */
export function toGeminiResponseSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return rewrite(schema);
}

function rewrite(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'const') {
      out['enum'] = [value];
      if (schema['type'] === undefined && typeof value === 'string') out['type'] = 'string';
    } else if (GEMINI_SCHEMA_KEYWORDS.has(key)) {
      out[key] = rewriteValue(key, value);
    } else if (key !== '$schema') {
      notes.push(describeConstraint(key, value));
    }
  }
  if (notes.length > 0) {
    const description = typeof out['description'] === 'string' ? `${out['description']} ` : '';
    out['description'] = `${description}(${notes.join('; ')})`;
  }
  return out;
}

function rewriteValue(key: string, value: unknown): unknown {
  if (SCHEMA_VALUED.has(key) && isRecord(value)) return rewrite(value);
  if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
    return value.map((item: unknown) => (isRecord(item) ? rewrite(item) : item));
  }
  if (SCHEMA_MAPS.has(key) && isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isRecord(sub) ? rewrite(sub) : sub]));
  }
  return value;
}

function describeConstraint(key: string, value: unknown): string {
  switch (key) {
    case 'pattern':
      return `must match ${String(value)}`;
    case 'minLength':
      return `at least ${String(value)} characters`;
    case 'maxLength':
      return `at most ${String(value)} characters`;
    case 'default':
      return `default ${JSON.stringify(value)}`;
    default:
      return `${key}: ${JSON.stringify(value)}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
