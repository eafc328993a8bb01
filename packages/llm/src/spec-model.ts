/** Tokens one model call used, as the provider reported them (absent when it did not). */
export interface TokenUsage {
  inputTokens?: number | undefined;
  /** Billed output: the answer plus any thinking tokens. */
  outputTokens?: number | undefined;
}

export interface SpecModelInput {
  system: string;
  prompt: string;
  /** The JSON Schema the answer must follow (structured output where the provider supports it). */
  jsonSchema: Record<string, unknown>;
  maxOutputTokens: number;
}

export interface SpecModelOutput {
  /** The parsed JSON object the model answered with (not yet validated against the schema). */
  json: unknown;
  /** The model's text as received. */
  raw: string;
  /** The model that answered, as the provider names it. */
  model: string;
  usage?: TokenUsage | undefined;
}

/**
 * A model that answers a prompt with one JSON object. Implementations throw AppError: RATE_LIMITED (429 after
 * retries), UNAVAILABLE (5xx, network, timeout after retries), DEPENDENCY_FAILED (refused or unusable answer),
 * VALIDATION_FAILED with details.step 'model-output' when the answer is not a JSON object.
 */
export interface SpecModel {
  /** Provider and model, e.g. "gemini:gemini-2.5-flash". */
  readonly id: string;
  generateSpec(input: SpecModelInput): Promise<SpecModelOutput>;
}
