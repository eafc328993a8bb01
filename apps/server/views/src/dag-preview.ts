import { connectView } from './connect-view.js';
import { renderDagPreview } from './render-dag-preview.js';

// The view of create_dag / update_dag results (ui://airflow-mcp/dag-preview.html).
connectView({ name: 'airflow-mcp-dag-preview', render: (result) => renderDagPreview(result) });
