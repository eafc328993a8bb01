import type { KnowledgeService } from '@airflow-mcp/agent';
import type { ResourceProvider } from '../define-tool.js';

const PREFIX = 'knowledge://docs/';

/** Every knowledge document as an MCP resource: knowledge://docs/<path>, its text as markdown. */
export function knowledgeResources(knowledge: Pick<KnowledgeService, 'store'>): ResourceProvider {
  return {
    name: 'knowledge',
    description: 'The knowledge base documents (Airflow, databases, data quality, security), as markdown',
    uriTemplate: `${PREFIX}{+path}`,
    async list() {
      const docs = await knowledge.store.listDocuments();
      return docs.map((d) => ({
        uri: `${PREFIX}${d.path}`,
        name: d.path,
        title: d.title,
        description: `${d.docType} · ${d.category} · Airflow ${d.airflowVersion} · ${d.lang}`,
        mimeType: 'text/markdown',
      }));
    },
    async read(uri) {
      if (!uri.startsWith(PREFIX)) return undefined;
      const doc = await knowledge.store.getDocument(decodeURIComponent(uri.slice(PREFIX.length)));
      return doc ? { uri, mimeType: 'text/markdown', text: doc.body } : undefined;
    },
  };
}
