import { renderDagFileHeader } from '@airflow-mcp/airflow';

/** The source of a DAG file as the deployer writes it (our header), with one task that returns 1. */
export function oneTaskDag(dagId: string, specHash = 'test-1'): string {
  return `${renderDagFileHeader({ dagId, specHash, version: 1, generator: 'test' })}
from datetime import datetime
from airflow.sdk import dag, task
@dag(dag_id=${JSON.stringify(dagId)}, schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["airflow-mcp-test"])
def d():
    @task
    def t():
        return 1
    t()
d()
`;
}
