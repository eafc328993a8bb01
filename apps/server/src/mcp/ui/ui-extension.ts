import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { McpUiResourceMeta } from '@modelcontextprotocol/ext-apps';

/**
 * The MCP Apps extension (SEP-1865, `io.modelcontextprotocol/ui`) as this server declares it in its capabilities
 * (`initialize` result on 2025-11-25, `server/discover` on 2026-07-28): it serves HTML apps.
 */
export const UI_EXTENSION: Record<string, { mimeTypes: string[] }> = {
  [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] },
};

export { RESOURCE_MIME_TYPE };

/**
 * What every app resource declares for the host's sandbox (resources/list entry and resources/read content): no
 * external origin of any kind (the views are self-contained and fetch nothing), and a border. No device permission.
 */
export const APP_RESOURCE_META: { ui: McpUiResourceMeta } = {
  ui: {
    csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
    prefersBorder: true,
  },
};

/** The tool `_meta` linking a tool to the app that shows its results. */
export function toolAppMeta(uri: string): { ui: { resourceUri: string } } {
  return { ui: { resourceUri: uri } };
}
