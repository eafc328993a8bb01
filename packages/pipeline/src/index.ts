export {
  pipelineSpecJsonSchema,
  type CheckSpec,
  type ColumnSpec,
  type Connection,
  type Engine,
  type PipelineSpec,
  type PipelineSpecInput,
  type SqlType,
} from './spec/pipeline-spec.js';
export { parseExpression, columnsOf, type ExprNode } from './expression/parse-expression.js';
export { compileDag, specHash, type CompiledDag } from './compiler/compile-dag.js';
export { describeConnection, type SourceColumn } from './compiler/render-transfer.js';
export { checkSqlStatement } from './compiler/check-sql-statement.js';
export { validateSpec } from './validate/validate-spec.js';
export { checkSpec } from './validate/check-spec.js';
export { resolveDataPath, resolveDataPaths } from './validate/resolve-data-paths.js';
export { checkPython, prepareSpareChecker, type PythonCheckResult } from './validate/check-python.js';
export {
  INTROSPECT_TIMEOUT_MS,
  introspectSqlite,
  sqliteTypeOf,
  type SqliteTableInfo,
} from './introspect/introspect-sqlite.js';
export { createSampleDatabase } from './sample/create-sample-database.js';
export { introspectDuckdb } from './introspect/introspect-duckdb.js';
export { INTROSPECTION_DAG_ID, introspectionDagSource, serverTypeOf } from './introspect/introspection-dag.js';
export { runSandboxed } from './validate/run-sandboxed.js';
