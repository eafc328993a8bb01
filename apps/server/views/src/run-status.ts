import { connectView } from './connect-view.js';
import { labelsFor } from './labels.js';
import { renderRunStatus } from './render-run-status.js';

// The view of check_dag_status / run_dag results (ui://airflow-mcp/run-status.html).
connectView({ name: 'airflow-mcp-run-status', render: (result, locale) => renderRunStatus(result, labelsFor(locale)) });
