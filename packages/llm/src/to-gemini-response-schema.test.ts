import { describe, expect, it } from 'vitest';
import { GEMINI_SCHEMA_KEYWORDS, toGeminiResponseSchema } from './to-gemini-response-schema.js';

/** The shapes zod 4's toJSONSchema gives the PipelineSpec (discriminated unions, tuples, defaults, patterns). */
const zodSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    dag_id: { type: 'string', minLength: 3, maxLength: 120, pattern: '^[a-z][a-z0-9_]*$' },
    schedule: {
      default: null,
      description: 'null (manual), a preset like @daily, or cron',
      anyOf: [{ type: 'string' }, { type: 'null' }],
    },
    tasks: {
      type: 'array',
      minItems: 1,
      items: {
        oneOf: [
          { type: 'object', properties: { type: { type: 'string', const: 'transfer' } }, required: ['type'] },
          { type: 'object', properties: { kind: { const: 'sqlite' } }, required: ['kind'] },
        ],
      },
    },
    dependencies: {
      type: 'array',
      items: { type: 'array', prefixItems: [{ type: 'string', pattern: '^a' }, { type: 'string' }] },
    },
  },
  required: ['dag_id', 'tasks'],
};

describe('toGeminiResponseSchema', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking an untyped JSON Schema in assertions
  const out = toGeminiResponseSchema(zodSchema) as Record<string, any>;

  it('drops $schema and keeps the structure', () => {
    expect(out['$schema']).toBeUndefined();
    expect(out['required']).toEqual(['dag_id', 'tasks']);
    expect(out['properties'].tasks.minItems).toBe(1);
  });

  it('turns const into a one-value enum so discriminators survive', () => {
    const [transfer, sqlite] = out['properties'].tasks.items.oneOf;
    expect(transfer.properties.type).toEqual({ type: 'string', enum: ['transfer'] });
    expect(sqlite.properties.kind).toEqual({ enum: ['sqlite'], type: 'string' });
  });

  it('folds unsupported constraints into the description', () => {
    expect(out['properties'].dag_id).toEqual({
      type: 'string',
      description: '(at least 3 characters; at most 120 characters; must match ^[a-z][a-z0-9_]*$)',
    });
    expect(out['properties'].schedule.description).toBe('null (manual), a preset like @daily, or cron (default null)');
    expect(out['properties'].dependencies.items.prefixItems[0]).toEqual({
      type: 'string',
      description: '(must match ^a)',
    });
  });

  it('leaves no keyword outside the supported list anywhere', () => {
    const supported = GEMINI_SCHEMA_KEYWORDS;
    const bad: string[] = [];
    const walk = (node: unknown, inMap: boolean): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, false));
      if (typeof node !== 'object' || node === null) return;
      for (const [k, v] of Object.entries(node)) {
        if (!inMap && !supported.has(k)) bad.push(k);
        if (k === 'enum' || k === 'required') continue;
        walk(v, k === 'properties' || k === '$defs');
      }
    };
    walk(out, false);
    expect(bad).toEqual([]);
  });
});
