import { describe, expect, it } from 'vitest';
import { extractJsonObject } from './extract-json-object.js';
import { parseModelJson } from './parse-model-json.js';

const spec = '{"dag_id": "events_copy", "tasks": [{"type": "sql", "id": "t", "sql": "select \'}\' as brace"}]}';

describe('extractJsonObject', () => {
  it('takes the body of a ```json fence', () => {
    const text = `Here is the pipeline:\n\n\`\`\`json\n${spec}\n\`\`\`\n\nLet me know if you need changes.`;
    expect(JSON.parse(extractJsonObject(text) ?? '')).toEqual(JSON.parse(spec));
  });

  it('takes a fence without a language tag', () => {
    expect(extractJsonObject(`\`\`\`\n${spec}\n\`\`\``)).toBe(spec);
  });

  it('takes the outermost object out of prose, ignoring braces inside strings', () => {
    expect(extractJsonObject(`Sure! ${spec} Hope this helps.`)).toBe(spec);
  });

  it('skips a brace in the prose before the object', () => {
    const text = `Placeholders like {table} are filled in. Spec: ${spec}`;
    expect(extractJsonObject(text)).toBe(spec);
  });

  it('returns the whole nested object, not an inner one', () => {
    const nested = '{"a": {"b": {"c": 1}}, "d": [ {"e": 2} ]}';
    expect(JSON.parse(extractJsonObject(`x ${nested} y`) ?? '')).toEqual({ a: { b: { c: 1 } }, d: [{ e: 2 }] });
  });

  it('handles escaped quotes inside strings', () => {
    const text = '{"description": "say \\"hi\\" {not a brace}", "n": 1}';
    expect(extractJsonObject(`>> ${text}`)).toBe(text);
  });

  it('finds nothing in truncated JSON, arrays, or plain prose', () => {
    expect(extractJsonObject('{"dag_id": "events_copy", "tasks": [{"type": "sql"')).toBeUndefined();
    expect(extractJsonObject('[1, 2, 3]')).toBeUndefined();
    expect(extractJsonObject('I cannot help with that.')).toBeUndefined();
    expect(extractJsonObject('{not: json}')).toBeUndefined();
    // cut off after a complete inner object: the inner task is not the answer
    expect(
      extractJsonObject('{"dag_id": "a", "tasks": [{"type": "sql", "id": "t", "sql": "x"}, {"type"'),
    ).toBeUndefined();
  });
});

describe('parseModelJson', () => {
  it('parses a plain JSON object answer', () => {
    expect(parseModelJson(`  ${spec}\n`, { model: 'm' })).toEqual(JSON.parse(spec));
  });

  it('falls back to the object inside fenced or chatty answers', () => {
    expect(parseModelJson(`\`\`\`json\n${spec}\n\`\`\``, { model: 'm' })).toEqual(JSON.parse(spec));
  });

  it('refuses malformed JSON with VALIDATION_FAILED at step model-output and the first 500 characters', () => {
    const raw = `{"dag_id": "events_copy", "tasks": [${'x'.repeat(800)}`;
    try {
      parseModelJson(raw, { model: 'gemini-2.5-flash' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { step: 'model-output', raw: raw.slice(0, 500) },
      });
      expect((error as Error).message).toMatch(/gemini-2\.5-flash was not valid JSON/);
    }
  });

  it('says when the answer was cut off at the token limit', () => {
    expect(() => parseModelJson('{"dag_id": "a', { model: 'm', finishReason: 'MAX_TOKENS' })).toThrow(
      /cut off at the output token limit/,
    );
  });

  it('refuses JSON that is not an object, and empty answers', () => {
    expect(() => parseModelJson('[{"a": 1}]', { model: 'm' })).toThrow(/not an object \(an array\)/);
    expect(() => parseModelJson('null', { model: 'm' })).toThrow(/not an object \(null\)/);
    expect(() => parseModelJson('  ', { model: 'm' })).toThrow(/was empty/);
  });
});
