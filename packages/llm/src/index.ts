export { appendJsonSchema } from './append-json-schema.js';
export { buildPlanningPrompt } from './build-planning-prompt.js';
export type { KnowledgeSnippet, PlanningPromptInput, PlanningPromptLimits } from './build-planning-prompt.js';
// Bridges for the names these helpers had here before they moved to @airflow-mcp/core.
export { createLruCache, isRetryableStatus } from '@airflow-mcp/core';
export { createGeminiModel } from './create-gemini-model.js';
export type { GeminiModelOptions } from './create-gemini-model.js';
export { createModelPlanner } from './create-model-planner.js';
export type {
  ModelPlan,
  ModelPlanner,
  ModelPlannerOptions,
  ModelPlanningContext,
  PlanCache,
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
