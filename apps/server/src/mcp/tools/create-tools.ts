import type { AnyToolDefinition } from '../define-tool.js';

/**
 * The dependencies tools are built from. Each tool file exports a factory taking the part it needs;
 * services/create-services.ts constructs these once.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ToolDependencies {}

export function createTools(_deps: ToolDependencies): AnyToolDefinition[] {
  return [];
}
