export {
  pipelineSpecSchema,
  pipelineSpecJsonSchema,
  connectionSchema,
  SCHEDULE_PRESETS,
  SQL_TYPES,
  type CheckSpec,
  type ColumnSpec,
  type Connection,
  type Engine,
  type PipelineSpec,
  type PipelineSpecInput,
  type QualityTask,
  type SqlTask,
  type SqlType,
  type TaskSpec,
  type TransferTask,
} from './spec/pipeline-spec.js';
export { parseExpression, columnsOf, ALLOWED_FUNCTIONS, type ExprNode } from './expression/parse-expression.js';
export { renderExpression } from './expression/render-expression.js';
export { sqlDialect, type SqlDialect } from './expression/sql-dialect.js';
export { compileDag, specHash, type CompiledDag, type CompileOptions } from './compiler/compile-dag.js';
export { describeConnection, type SourceColumn } from './compiler/render-transfer.js';
export type { TransferPath } from './compiler/plan-native-transfer.js';
export { topologicalOrder } from './compiler/topological-order.js';
export { checkSqlStatement } from './compiler/check-sql-statement.js';
export { validateSpec } from './validate/validate-spec.js';
export { checkSpec, type CheckSpecOptions, type IntrospectTable, type SpecRungOutcome } from './validate/check-spec.js';
export { validateSchedule } from './validate/validate-schedule.js';
export { resolveDataPath, resolveDataPaths } from './validate/resolve-data-paths.js';
export { checkPython, prepareSpareChecker, type PythonCheckResult } from './validate/check-python.js';
export {
  INTROSPECT_TIMEOUT_MS,
  introspectSqlite,
  sqliteTypeOf,
  type IntrospectLimits,
  type SqliteTableInfo,
} from './introspect/introspect-sqlite.js';
export { createSampleDatabase, type SampleDatabase } from './sample/create-sample-database.js';
export { introspectDuckdb, duckdbTypeOf } from './introspect/introspect-duckdb.js';
export { INTROSPECTION_DAG_ID, introspectionDagSource, serverTypeOf } from './introspect/introspection-dag.js';
export { runSandboxed, type SandboxResult } from './validate/run-sandboxed.js';
