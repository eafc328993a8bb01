import type { KnowledgeServiceOptions } from '@airflow-mcp/agent';
import type { Config } from '../config.js';

/** The knowledge service's settings from the config (shared by the service and the ingest command). */
export function knowledgeOptions(
  config: Config,
): Omit<KnowledgeServiceOptions, 'client' | 'corpusDir' | 'logger' | 'reset'> {
  return {
    embedder: config.embedder,
    gemini: { apiKey: config.gemini.apiKey, model: config.gemini.embeddingModel, baseUrl: config.gemini.baseUrl },
    openai: { baseUrl: config.openai.baseUrl, apiKey: config.openai.apiKey, model: config.openai.embeddingModel },
  };
}
