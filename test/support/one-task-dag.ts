import { createAirflowClient, createDagDeployer, renderDagFileHeader, type AirflowClient } from '@airflow-mcp/airflow';
import type { TestAirflow } from '../setup/airflow.global.js';

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

/** A DAG whose one task sleeps past the service's wait bound, written as the deployer writes ours. */
export function sleepingDag(dagId: string, seconds: number): string {
  return `${renderDagFileHeader({ dagId, specHash: 'sleep-1', version: 1, generator: 'test' })}
import time
from datetime import datetime
from airflow.sdk import dag, task
@dag(dag_id=${JSON.stringify(dagId)}, schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["airflow-mcp-test"])
def d():
    @task
    def slow():
        time.sleep(${seconds})
        return 1
    slow()
d()
`;
}

/** Deploys a sleeping DAG into the tests' Airflow (as the deployer deploys ours); returns a client of that Airflow. */
export async function deploySleepingDag(airflow: TestAirflow, dagId: string, seconds: number): Promise<AirflowClient> {
  const client = createAirflowClient({ baseUrl: airflow.url, username: airflow.username, password: airflow.password });
  await createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250 }).deploy({
    dagId,
    source: sleepingDag(dagId, seconds),
  });
  return client;
}
