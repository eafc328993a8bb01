export { appendJsonSchema } from './append-json-schema.js';
export { buildPlanningPrompt } from './build-planning-prompt.js';
export type { KnowledgeSnippet, PlanningPromptInput, PlanningPromptLimits } from './build-planning-prompt.js';
export { callWithRetries, isRetryableStatus } from './call-with-retries.js';
export type { RetryPolicy } from './call-with-retries.js';
export { createGeminiModel } from './create-gemini-model.js';
export type { GeminiModelOptions } from './create-gemini-model.js';
export { createLruCache } from './create-lru-cache.js';
export type { PlanCache } from './create-lru-cache.js';
export { createModelPlanner } from './create-model-planner.js';
export type {
  ModelPlan,
  ModelPlanner,
  ModelPlannerOptions,
  ModelPlanningContext,
  SpecValidation,
} from './create-model-planner.js';
export { createOpenAiChatModel } from './create-openai-chat-model.js';
export type { OpenAiChatModelOptions } from './create-openai-chat-model.js';
export { createSamplingModel } from './create-sampling-model.js';
export type { SampleFunction, SamplingRequest } from './create-sampling-model.js';
export { describeSourceSchema } from './describe-source-schema.js';
export type { SourceTable } from './describe-source-schema.js';
export { extractJsonObject } from './extract-json-object.js';
export { parseModelJson } from './parse-model-json.js';
export type { SpecModel, SpecModelInput, SpecModelOutput, TokenUsage } from './spec-model.js';
export { GEMINI_SCHEMA_KEYWORDS, toGeminiResponseSchema } from './to-gemini-response-schema.js';
