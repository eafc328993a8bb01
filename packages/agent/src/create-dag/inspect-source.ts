import { AppError, DEFAULT_TENANT } from '@airflow-mcp/core';
import { resolveDataPath, type Connection } from '@airflow-mcp/pipeline';
import { assertTenantMayUse, tenantAccess } from '../tenancy/assert-tenant-may-use.js';
import type { TenantConnections } from '../tenancy/tenant-connections.js';
import { tenantDataDirs } from '../tenancy/tenant-scope.js';
import type { SourceIntrospector } from './create-source-introspector.js';

export interface InspectSourceDeps {
  introspect: SourceIntrospector;
  allowedDataDirs: readonly string[];
  tenantConnections?: TenantConnections | undefined;
  namedTenants?: readonly string[] | undefined;
}

/** The connection a source_db names: `postgres:<conn_id>`, `mysql:<conn_id>`, or a DuckDB / SQLite file. */
function connectionOf(sourceDb: string): Connection {
  return /^(postgres|postgresql):/i.test(sourceDb)
    ? { kind: 'postgres', conn_id: sourceDb.split(':')[1] ?? '' }
    : /^mysql:/i.test(sourceDb)
      ? { kind: 'mysql', conn_id: sourceDb.split(':')[1] ?? '' }
      : { kind: /\.(duckdb|ddb)$/i.test(sourceDb) ? 'duckdb' : 'sqlite', path: sourceDb };
}

/**
 * inspect_source: tables (with row counts) of a source, or one table's columns, types, keys and rows. A PostgreSQL or
 * MySQL source is read by deploying and triggering a DAG in Airflow: only when `mayRunAirflow` (the caller has the
 * write scope and the service is not READ_ONLY), and only for a connection id the tenant may use, refused in the
 * same words whether Airflow has that connection or not.
 */
export async function inspectSource(
  deps: InspectSourceDeps,
  {
    sourceDb,
    table,
    tenant = DEFAULT_TENANT,
    mayRunAirflow = true,
  }: { sourceDb: string; table?: string | undefined; tenant?: string; mayRunAirflow?: boolean },
) {
  const dirs = tenantDataDirs(deps.allowedDataDirs, tenant);
  const connection = connectionOf(sourceDb);
  if ('conn_id' in connection) {
    if (!mayRunAirflow) {
      throw new AppError(
        'FORBIDDEN',
        `Inspecting a ${connection.kind} source deploys and runs a DAG in Airflow, so it needs a key with the "write" scope on a service that is not READ_ONLY. Inspect SQLite/DuckDB files with this key, or ask for a write key.`,
      );
    }
  }
  assertTenantMayUse(tenantAccess(deps), tenant, connection, deps.allowedDataDirs);
  const info = await deps.introspect(connection, table, dirs);
  if (!info) {
    throw new AppError(
      'UNAVAILABLE',
      'Reading DuckDB files needs a Python with duckdb: set AIRFLOW_PYTHON (the Airflow virtualenv has it).',
    );
  }
  if (table !== undefined && !info.columns) {
    throw new AppError('NOT_FOUND', `No table "${table}" in ${sourceDb}. Tables: ${info.tables.join(', ') || 'none'}.`);
  }
  const tables = [];
  if (table === undefined) {
    // Row counts per table cost one Airflow run each on PostgreSQL/MySQL: only asked for one table there.
    for (const name of info.tables) {
      const rows = 'path' in connection ? ((await deps.introspect(connection, name, dirs))?.rowCount ?? null) : null;
      tables.push({ name, rows });
    }
  }
  return {
    engine: connection.kind,
    source: 'path' in connection ? resolveDataPath(connection.path, dirs, 'Source') : sourceDb,
    tables: table === undefined ? tables : [{ name: table, rows: info.rowCount ?? null }],
    ...(info.columns
      ? {
          columns: info.columns.map((c) => ({
            name: c.name,
            type: c.type ?? null,
            declared_type: c.declared ?? null,
            nullable: c.nullable ?? null,
            primary_key: c.primaryKey ?? false,
          })),
        }
      : {}),
  };
}
