export type { SqlClient, SqlQueryable } from './sql/sql-client.js';
export { createPgClient } from './sql/create-pg-client.js';
export { createPgliteClient } from './sql/create-pglite-client.js';
export { runLockedMigration } from './sql/run-locked-migration.js';
export {
  createDagVersionStore,
  type AuditEntry,
  type DagVersion,
  type DagVersionStore,
  type PendingVersion,
  type VersionOutcome,
} from './versions/dag-version-store.js';
export { createFeedbackStore, type FeedbackEntry, type FeedbackStore } from './feedback/feedback-store.js';
