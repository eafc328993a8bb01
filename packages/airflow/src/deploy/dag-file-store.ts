/** Why a DAG file changes: the git store writes it into the commit message (who, why); the folder store ignores it. */
export interface DagChangeNote {
  action: 'deploy' | 'restore' | 'remove';
  /** Who asked for the change (a tenant, a user); the service's name when unknown. */
  author?: string;
  /** Why, in a sentence (the request, "rollback to version 3", ...). */
  reason?: string;
}

/** Where deployed DAG files live: the shared dags folder (default) or a git repository Airflow reads as a bundle. */
export interface DagFileStore {
  /** The file as a deploy result names it, and as Airflow's import errors name it (relative to the bundle). */
  locate(dagId: string): { file: string; relativeFile: string };
  /** The current content, or undefined when there is none. */
  read(dagId: string): Promise<string | undefined>;
  write(dagId: string, source: string, note: DagChangeNote): Promise<void>;
  remove(dagId: string, note: DagChangeNote): Promise<void>;
}
