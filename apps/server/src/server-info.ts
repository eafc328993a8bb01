import { SERVICE_NAME, SERVICE_VERSION } from './version.js';

/** One sentence of what the server does: the MCP `Implementation.description` (server.json says the same). */
export const SERVICE_DESCRIPTION =
  'Turns plain-language data-pipeline requests into validated Apache Airflow DAGs, then deploys, runs and monitors them.';

// apps/server/assets/icon.svg, inlined so a client shows it without fetching anything.
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" rx="12" fill="#017cee"/><g stroke="#fff" stroke-width="3" fill="none"><path d="M17 22 L30 32 L17 42 M34 32 H46"/></g><g fill="#fff"><circle cx="14" cy="20" r="5"/><circle cx="14" cy="44" r="5"/><circle cx="32" cy="32" r="5"/><circle cx="50" cy="32" r="5"/></g></svg>';

/** The server's `Implementation` (serverInfo): name, version, title, description and icon. */
export const SERVER_INFO = {
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  title: 'Airflow MCP (RAG)',
  description: SERVICE_DESCRIPTION,
  icons: [
    {
      src: `data:image/svg+xml;base64,${Buffer.from(ICON_SVG).toString('base64')}`,
      mimeType: 'image/svg+xml',
      sizes: ['any'],
    },
  ],
};
