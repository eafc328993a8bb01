/**
 * For models without structured output (MCP sampling, chat servers without json_schema): the JSON Schema goes at the
 * end of the prompt. Models with structured output get it through the API instead, never twice.
 */
export function appendJsonSchema(prompt: string, jsonSchema: Record<string, unknown>): string {
  return [
    prompt,
    '',
    '## Answer format',
    'Answer with exactly one JSON object, and nothing else (no prose, no code fences), that follows this JSON Schema:',
    JSON.stringify(jsonSchema),
  ].join('\n');
}
