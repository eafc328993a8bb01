export const SERVICE_NAME = 'airflow-mcp-rag';
export const SERVICE_VERSION = '0.1.0';
