import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** Keywords that say nothing a client needs: the dialect (2020-12 is MCP's default) and string keys of JSON. */
const NOISE = ['$schema'];
const STRING_KEYS = JSON.stringify({ type: 'string' });
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'];

/**
 * Trims one schema node and the schemas below it. Descriptions stay on inputs (they tell the model what to send)
 * and go from outputs (the structure is the contract; the text of the result explains it), as does
 * `additionalProperties: false`, which only tells a client what it will not receive.
 */
export function compactJsonSchema(node: JsonSchema, side: 'input' | 'output'): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (NOISE.includes(key)) continue;
    if (key === 'propertyNames' && JSON.stringify(value) === STRING_KEYS) continue;
    // `additionalProperties: {}` allows anything, as leaving it out does
    if (key === 'additionalProperties' && isObject(value) && Object.keys(value).length === 0) continue;
    // zod's int() bounds, which every JSON number respects anyway
    if ((key === 'maximum' || key === 'minimum') && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER) continue;
    if (side === 'output' && (key === 'description' || (key === 'additionalProperties' && value === false))) continue;
    if (SUBSCHEMA_MAPS.includes(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, isObject(child) ? compactJsonSchema(child, side) : child]),
      );
    } else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((child: unknown) => (isObject(child) ? compactJsonSchema(child, side) : child));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isObject(value)) {
      out[key] = compactJsonSchema(value, side);
    } else out[key] = value;
  }
  return out;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The zod schema as the SDK takes it (validation unchanged), with the JSON Schema that tools/list shows trimmed by
 * compactJsonSchema: tools/list is read into a model's context on every connection, so every token counts.
 */
export function compactToolSchema(schema: z.ZodObject, side: 'input' | 'output'): StandardSchemaWithJSON {
  const standard = schema['~standard'] as unknown as StandardSchemaWithJSON['~standard'];
  return {
    '~standard': {
      ...standard,
      jsonSchema: {
        input: (options) => compactJsonSchema(standard.jsonSchema.input(options), side),
        output: (options) => compactJsonSchema(standard.jsonSchema.output(options), side),
      },
    },
  };
}
