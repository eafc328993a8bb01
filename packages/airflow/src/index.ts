export { createAirflowClient } from './create-airflow-client.js';
