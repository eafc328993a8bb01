import { AppError, ALL_TENANTS } from '@airflow-mcp/core';
import { renderDagFileHeader } from '@airflow-mcp/airflow';
import {
  INTROSPECT_TIMEOUT_MS,
  introspectDuckdb,
  INTROSPECTION_DAG_ID,
  introspectionDagSource,
  introspectSqlite,
  resolveDataPath,
  serverTypeOf,
  type Connection,
  type SourceColumn,
} from '@airflow-mcp/pipeline';

import type { CreateDagServiceOptions } from './create-dag-service-options.js';

export interface SourceIntrospectorOptions extends Pick<
  CreateDagServiceOptions,
  'airflow' | 'allowedDataDirs' | 'python' | 'generatorVersion'
> {
  airflowMajor(): Promise<2 | 3>;
  /** Wall-clock limit of one SQLite / DuckDB read (default INTROSPECT_TIMEOUT_MS, 20 s). */
  introspectTimeoutMs?: number;
}

/**
 * Tables and (for a table) columns and row count of a source: SQLite through a child Node process, DuckDB through
 * the Python with duckdb, both under a time limit and off the event loop; PostgreSQL / MySQL through Airflow.
 * undefined when the source cannot be read from here.
 */
export function createSourceIntrospector(options: SourceIntrospectorOptions) {
  const limits = { timeoutMs: options.introspectTimeoutMs ?? INTROSPECT_TIMEOUT_MS };
  /**
   * PostgreSQL / MySQL schemas, read by Airflow through the connection (the credentials never leave Airflow): the
   * fixed introspection DAG is deployed once, then run with {kind, conn_id, table} and its XCom read back.
   */
  async function introspectThroughAirflow(
    connection: ServerConnection,
    table?: string,
  ): Promise<{
    tables: string[];
    columns: SourceColumn[] | undefined;
    rowCount: number | undefined;
    values: Record<string, string[]> | undefined;
  }> {
    const airflowMajor = await options.airflowMajor();
    const source =
      renderDagFileHeader({
        dagId: INTROSPECTION_DAG_ID,
        specHash: 'introspection-v3',
        version: 1,
        generator: options.generatorVersion,
      }) + introspectionDagSource(airflowMajor);
    await options.airflow.deployer.deploy({ dagId: INTROSPECTION_DAG_ID, source });
    const summary = await options.airflow.run({
      dagId: INTROSPECTION_DAG_ID,
      // The service's own DAG (tenant "*"): callers were checked before (write scope, allowed connection id).
      tenant: ALL_TENANTS,
      wait: true,
      timeoutMs: 120_000,
      conf: {
        kind: connection.kind,
        conn_id: connection.conn_id,
        ...(table ? { table } : {}),
        ...('schema' in connection && connection.schema ? { schema: connection.schema } : {}),
      },
    });
    if (summary.stalled) {
      throw new AppError(
        'UNAVAILABLE',
        `Airflow could not read the schema through connection "${connection.conn_id}": ${summary.stalled} Then ask for the schema again.`,
        { retryable: true, details: { step: 'source-schema', run_id: summary.run_id } },
      );
    }
    if (summary.state !== 'success') {
      const why =
        summary.failed_logs?.[0]?.lines
          .filter((l) => /error/i.test(l))
          .slice(-2)
          .join(' | ') ?? summary.state;
      throw new AppError(
        'DEPENDENCY_FAILED',
        `Airflow could not read the schema through connection "${connection.conn_id}" (${connection.kind}): ${why.slice(0, 500)}. Check that the connection exists in Airflow and reaches the database.`,
        { details: { step: 'source-schema', run_id: summary.run_id } },
      );
    }
    const value = (await options.airflow.client.returnValue(INTROSPECTION_DAG_ID, summary.run_id, 'inspect')) as {
      tables: string[];
      columns?: { name: string; declared: string; nullable: boolean; primaryKey?: boolean }[];
      rowCount?: number;
      values?: Record<string, string[]>;
    };
    return {
      tables: value.tables,
      columns: value.columns?.map((c) => ({
        name: c.name,
        type: serverTypeOf(c.declared),
        declared: c.declared,
        nullable: c.nullable,
        primaryKey: c.primaryKey ?? false,
      })),
      rowCount: value.rowCount,
      values: value.values,
    };
  }

  // A server table's columns as Airflow last read them, for RECENT_SCHEMA_MS: the planner reads a request's tables
  // through Airflow, and the compile rung then types that table's columns from the same read, with no second run.
  const recent = new Map<string, { at: number; tables: string[]; columns: SourceColumn[] }>();
  const recentKey = (connection: ServerConnection, table: string) =>
    JSON.stringify([connection.kind, connection.conn_id, table.toLowerCase()]);

  async function introspect(connection: Connection, table?: string, dirs: readonly string[] = options.allowedDataDirs) {
    if (connection.kind === 'sqlite') {
      return introspectSqlite(resolveDataPath(connection.path, dirs, 'Source'), table, limits);
    }
    if (connection.kind === 'postgres' || connection.kind === 'mysql') {
      const info = await introspectThroughAirflow(connection, table);
      if (table !== undefined && info.columns) {
        recent.delete(recentKey(connection, table));
        recent.set(recentKey(connection, table), { at: Date.now(), tables: info.tables, columns: info.columns });
        if (recent.size > RECENT_SCHEMA_ENTRIES) recent.delete(recent.keys().next().value as string);
      }
      return info;
    }
    if (connection.kind === 'duckdb' && options.python) {
      return introspectDuckdb(resolveDataPath(connection.path, dirs, 'Source'), options.python, table, limits);
    }
    return undefined;
  }

  /**
   * A PostgreSQL / MySQL table's tables and columns from a read through Airflow in the last RECENT_SCHEMA_MS, or
   * undefined: never starts a run. Text values are not kept.
   */
  introspect.recent = (connection: ServerConnection, table: string) => {
    const hit = recent.get(recentKey(connection, table));
    return hit && Date.now() - hit.at <= RECENT_SCHEMA_MS ? { tables: hit.tables, columns: hit.columns } : undefined;
  };
  return introspect;
}

type ServerConnection = Extract<Connection, { kind: 'postgres' | 'mysql' }>;
/** How long a server table's columns read through Airflow are reused by the compile rung. */
export const RECENT_SCHEMA_MS = 120_000;
const RECENT_SCHEMA_ENTRIES = 256;

export type SourceIntrospector = ReturnType<typeof createSourceIntrospector>;
