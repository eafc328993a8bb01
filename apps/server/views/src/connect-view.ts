import {
  App,
  applyDocumentTheme,
  applyHostStyleVariables,
  type McpUiHostContext,
} from '@modelcontextprotocol/ext-apps';
import { element } from './element.js';
import type { Fields } from './fields.js';
import { labelsFor } from './labels.js';

export interface ViewOptions {
  /** The app's name in `ui/initialize` (appInfo). */
  name: string;
  /** Renders a tool result (the `ui/notifications/tool-result` params: content, structuredContent, isError). */
  render(result: Fields, locale: string | undefined): HTMLElement;
}

function applyHostContext(context: McpUiHostContext | undefined): void {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

/**
 * Connects a view to its host (the MCP Apps `App` over postMessage) and renders each tool result it is handed.
 * Nothing is fetched: the view shows only what the host passes in, and the document's CSP allows no connection.
 */
export function connectView(options: ViewOptions): App {
  const root = document.getElementById('app') ?? document.body;
  const app = new App({ name: options.name, version: '1' }, {}, { autoResize: true });
  const show = (node: HTMLElement) => root.replaceChildren(node);
  show(element('p', 'waiting', labelsFor(navigator.language).waiting));
  app.ontoolresult = (result) => {
    show(options.render(result as unknown as Fields, app.getHostContext()?.locale ?? navigator.language));
    document.body.dataset.rendered = 'true';
  };
  app.onhostcontextchanged = applyHostContext;
  void app.connect().then(() => applyHostContext(app.getHostContext()));
  return app;
}
