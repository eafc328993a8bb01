import { registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { MCP_APPS } from './mcp-apps.js';
import { readAppHtml } from './read-app-html.js';
import { APP_RESOURCE_META, RESOURCE_MIME_TYPE } from './ui-extension.js';

/**
 * Registers the MCP Apps as fixed `ui://` resources (listed and readable on both protocol revisions; a ui:// URI
 * that is not one of them gets the SDK's resource-not-found error). They hold no data: a host renders one with the
 * linked tool's result, which it passes to the app itself. Static files of this release, the same for every
 * caller, so there is nothing to scope or mask.
 */
export function registerMcpApps(server: McpServer): void {
  for (const app of MCP_APPS) {
    registerAppResource(
      server,
      app.name,
      app.uri,
      { title: app.title, description: app.description, mimeType: RESOURCE_MIME_TYPE, _meta: APP_RESOURCE_META },
      async () => ({
        contents: [
          { uri: app.uri, mimeType: RESOURCE_MIME_TYPE, text: await readAppHtml(app.view), _meta: APP_RESOURCE_META },
        ],
      }),
    );
  }
}
