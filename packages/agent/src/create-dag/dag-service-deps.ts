import { AppError } from '@airflow-mcp/core';
import type { DagVersionStore } from '@airflow-mcp/state';
import type { CreateDagServiceOptions } from './create-dag-service-options.js';
import { createSourceIntrospector, type SourceIntrospector } from './create-source-introspector.js';

/** What the use cases share: the service's options, Airflow's major version, the introspector, the history. */
export interface DagServiceDeps extends CreateDagServiceOptions {
  /** Asked of Airflow when first needed and kept after the first answer (a failure is asked again next time). */
  airflowMajor(): Promise<2 | 3>;
  introspect: SourceIntrospector;
  /** The version store, or an UNAVAILABLE error saying the database is not configured. */
  history(): DagVersionStore;
}

export function createDagServiceDeps(options: CreateDagServiceOptions): DagServiceDeps {
  let major: 2 | 3 | undefined;
  const airflowMajor = async () => (major ??= (await options.airflow.client.detectVersion()).major);
  return {
    ...options,
    airflowMajor,
    introspect: createSourceIntrospector({ ...options, airflowMajor }),
    history() {
      if (!options.versions) {
        throw new AppError('UNAVAILABLE', 'Version history needs the database (it is not configured).');
      }
      return options.versions;
    },
  };
}
