import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/**
 * Test-only tools, resources and prompts that @modelcontextprotocol/conformance expects by name.
 * Registered only when MCP_TEST_FIXTURES=true (refused with NODE_ENV=production).
 */
export function createConformanceFixtures(): (server: McpServer) => void {
  return (_server) => {
    // Filled in by the conformance work (issue 2).
  };
}
