import { AppError, redactSecrets } from '@airflow-mcp/core';
import type { ColumnSpec, Connection, Engine, PipelineSpecInput, SqlType } from '@airflow-mcp/pipeline';
import { SQL_TYPES } from '@airflow-mcp/pipeline';
import { parseRequest, type ParsedRequest } from './parse-request.js';
import type { Plan, Planner, PlanningContext } from './planner.js';

const CAST_WORDS: Record<string, SqlType> = {
  int: 'integer',
  integer: 'integer',
  bigint: 'bigint',
  long: 'bigint',
  float: 'double',
  double: 'double',
  real: 'double',
  number: 'double',
  decimal: 'decimal',
  numeric: 'decimal',
  string: 'text',
  text: 'text',
  varchar: 'text',
  bool: 'boolean',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
};

function connectionFromHint(hint: string): Connection {
  if (/^(postgres|postgresql|mysql):/i.test(hint)) {
    const [kind, connId] = hint.split(':') as [string, string];
    return kind.toLowerCase() === 'mysql' ? { kind: 'mysql', conn_id: connId } : { kind: 'postgres', conn_id: connId };
  }
  return { kind: /\.(duckdb|ddb)$/i.test(hint) ? 'duckdb' : 'sqlite', path: hint };
}

function ask(language: PlanningContext['language'], en: string, ko: string): never {
  throw new AppError('NEEDS_CLARIFICATION', language === 'ko' ? ko : en, {
    details: { questions: [language === 'ko' ? ko : en] },
  });
}

/**
 * The deterministic planner: reads engines, files, table, columns, renames, casts, filter, schedule, write mode,
 * checks and retries out of an English or Korean request, checks them against the introspected source, and fills a
 * spec. What it cannot tell, it asks (NEEDS_CLARIFICATION) instead of guessing.
 */
export function createRulePlanner(): Planner {
  return {
    name: 'rules',
    async plan(ctx: PlanningContext): Promise<Plan> {
      const r: ParsedRequest = parseRequest(ctx.request);
      const lang = ctx.language;
      const notes: string[] = [];

      const pick = (role: 'source' | 'target'): Connection | undefined => {
        const hint = role === 'source' ? ctx.hints.sourceDb : ctx.hints.targetDb;
        if (hint) return connectionFromHint(hint);
        const file = r.files.find((f) => f.role === role);
        if (file) return { kind: file.engine, path: file.path } as Connection;
        const engine = r.engines.find((e) => e.role === role)?.engine;
        return engine ? connectionFor(engine, role) : undefined;
      };
      const connectionFor = (engine: Engine, role: 'source' | 'target'): Connection => {
        if (engine === 'postgres' || engine === 'mysql') {
          const connId = r.connIds[role === 'source' ? 0 : r.connIds.length - 1];
          if (!connId) {
            ask(
              lang,
              `Which Airflow connection id should I use for ${engine} (${role})? Credentials live only in Airflow connections, e.g. "conn_id warehouse_pg".`,
              `${engine} (${role === 'source' ? '원본' : '대상'})에 사용할 Airflow 연결 ID를 알려주세요. 자격 증명은 Airflow 연결에만 둡니다 (예: "conn_id warehouse_pg").`,
            );
          }
          return engine === 'mysql' ? { kind: 'mysql', conn_id: connId } : { kind: 'postgres', conn_id: connId };
        }
        const file = r.files.find((f) => f.engine === engine && f.role !== (role === 'source' ? 'target' : 'source'));
        if (file) return { kind: engine, path: file.path } as Connection;
        if (role === 'source') {
          ask(
            lang,
            `Which ${engine} file should I read from? Give its path (inside the allowed data folders) or pass source_db.`,
            `읽을 ${engine} 파일 경로를 알려주세요 (허용된 데이터 폴더 안), 또는 source_db를 지정하세요.`,
          );
        }
        return { kind: engine, path: engine === 'duckdb' ? 'warehouse.duckdb' : 'warehouse.db' } as Connection;
      };

      let source = pick('source');
      let target = pick('target');
      // No direction words: the first engine or file mentioned is the source, the other the target.
      const mentioned = [
        ...r.engines.map((e) => ({ engine: e.engine, index: e.index })),
        ...r.files.map((f) => ({ engine: f.engine, index: f.index })),
      ]
        .sort((a, b) => a.index - b.index)
        .map((m) => m.engine);
      if (!source && mentioned[0]) source = connectionFor(mentioned[0], 'source');
      if (!target) {
        const other =
          mentioned.find((e) => e !== source?.kind) ?? (mentioned.length > 1 ? mentioned.at(-1) : undefined);
        if (other) target = connectionFor(other, 'target');
      }
      if (!source) {
        ask(
          lang,
          'Where is the data now? Name the source database (SQLite or DuckDB file, or a PostgreSQL/MySQL connection id).',
          '데이터가 지금 어디에 있나요? 원본 데이터베이스(SQLite/DuckDB 파일 또는 PostgreSQL/MySQL 연결 ID)를 알려주세요.',
        );
      }
      if (!target) {
        ask(
          lang,
          'Where should the data go? Name the target database (for example a DuckDB file).',
          '데이터를 어디로 옮길까요? 대상 데이터베이스(예: DuckDB 파일)를 알려주세요.',
        );
      }

      const catalog = await ctx.introspect(source);
      let table = r.table;
      if (catalog && table && !catalog.tables.some((t) => t.toLowerCase() === table?.toLowerCase())) {
        ask(
          lang,
          `The source has no table "${table}". Its tables: ${catalog.tables.join(', ')}. Which one?`,
          `원본에 "${table}" 테이블이 없습니다. 테이블 목록: ${catalog.tables.join(', ')}. 어느 테이블인가요?`,
        );
      }
      if (!table && catalog) {
        // "copy users from ...": a table of the source named as a word in the request.
        const named = catalog.tables.filter((t) =>
          new RegExp(`(^|[^\\w])${t.replace(/\W/g, '')}([^\\w]|$)`, 'i').test(ctx.request),
        );
        if (named.length === 1) table = named[0];
      }
      if (!table && catalog?.tables.length === 1) {
        table = catalog.tables[0];
        notes.push(`the source has one table, ${table}`);
      }
      if (!table) {
        const list = catalog ? ` Tables: ${catalog.tables.join(', ')}.` : '';
        ask(
          lang,
          `Which table should I move?${list}`,
          `어느 테이블을 옮길까요?${catalog ? ` 테이블 목록: ${catalog.tables.join(', ')}.` : ''}`,
        );
      }
      const actualTable = catalog?.tables.find((t) => t.toLowerCase() === table.toLowerCase()) ?? table;
      const described = await ctx.introspect(source, actualTable);
      const known = described?.columns?.map((c) => c.name);

      // Columns: the identifier list nearest to the word "columns"/"컬럼", keeping only real columns when known.
      let columns: ColumnSpec[] = [];
      const runs = r.identifierRuns
        .map((run) => ({ ...run, names: run.names.filter((n) => n.toLowerCase() !== actualTable.toLowerCase()) }))
        .filter((run) => run.names.length > 0);
      const nearest = runs.sort(
        (a, b) => Math.abs(a.index - (r.columnsKeywordIndex ?? 0)) - Math.abs(b.index - (r.columnsKeywordIndex ?? 0)),
      )[0];
      if (nearest && r.columnsKeywordIndex !== undefined) {
        const unknown = known
          ? nearest.names.filter((n) => !known.some((k) => k.toLowerCase() === n.toLowerCase()))
          : [];
        if (unknown.length) {
          ask(
            lang,
            `Table ${actualTable} has no column ${unknown.join(', ')}. Its columns: ${known?.join(', ')}.`,
            `${actualTable} 테이블에 ${unknown.join(', ')} 컬럼이 없습니다. 컬럼 목록: ${known?.join(', ')}.`,
          );
        }
        columns = nearest.names.map((n) => {
          const name = known?.find((k) => k.toLowerCase() === n.toLowerCase()) ?? n;
          const rename = r.renames.get(n);
          const cast = r.casts.get(n);
          const castType = cast ? CAST_WORDS[cast] : undefined;
          if (cast && !castType)
            ask(
              lang,
              `I do not know the type "${cast}". Use one of ${SQL_TYPES.join(', ')}.`,
              `"${cast}" 타입을 알 수 없습니다. 다음 중 하나를 쓰세요: ${SQL_TYPES.join(', ')}.`,
            );
          return rename
            ? { name: rename, source: name, ...(castType ? { cast: castType } : {}) }
            : { name, ...(castType ? { cast: castType } : {}) };
        });
        notes.push(`columns: ${columns.map((c) => (c.source ? `${c.source} as ${c.name}` : c.name)).join(', ')}`);
      } else if (r.casts.size > 0 || r.renames.size > 0) {
        columns = (known ?? []).map((n) => {
          const castType = r.casts.get(n) ? CAST_WORDS[r.casts.get(n) as string] : undefined;
          const rename = r.renames.get(n);
          return { name: rename ?? n, ...(rename ? { source: n } : {}), ...(castType ? { cast: castType } : {}) };
        });
      }
      const outputNames = columns.length ? columns.map((c) => c.name) : (known ?? []);

      const mode = r.mode ?? 'replace';
      // Key words that are not columns ("upsert on id, dag id ..." also catches "dag") are dropped.
      const keys =
        mode === 'upsert' ? r.modeColumns.filter((k) => outputNames.length === 0 || outputNames.includes(k)) : [];
      if (mode === 'upsert' && keys.length === 0) {
        ask(
          lang,
          'Upsert on which key columns? For example "upsert on event_id".',
          '어떤 키 컬럼 기준으로 upsert 할까요? 예: "event_id 기준 upsert".',
        );
      }
      const watermark = mode === 'incremental' ? r.modeColumns[0] : undefined;
      if (mode === 'incremental' && !watermark) {
        ask(
          lang,
          'Incremental by which column? It must only grow, e.g. "incremental by timestamp".',
          '어떤 컬럼 기준으로 증분 적재할까요? 계속 증가하는 컬럼이어야 합니다 (예: "timestamp 기준 증분").',
        );
      }

      const targetTable = r.targetTable ?? actualTable;
      const dagId = (r.dagId ?? `${source.kind}_${actualTable}_to_${target.kind}`)
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_')
        .slice(0, 100);
      const checks: NonNullable<Extract<PipelineSpecInput['tasks'][number], { type: 'quality_check' }>['checks']> = [];
      if ((described?.rowCount ?? 0) > 0 && !r.filter) checks.push({ kind: 'row_count', min: 1 });
      else checks.push({ kind: 'row_count', min: 0 });
      for (const c of r.notNull) if (outputNames.includes(c)) checks.push({ kind: 'not_null', column: c });
      for (const c of r.unique) if (outputNames.includes(c)) checks.push({ kind: 'unique', columns: [c] });
      for (const k of keys) if (!r.unique.includes(k)) checks.push({ kind: 'unique', columns: [k] });

      const schedule = ctx.hints.schedule ?? r.schedule;
      const spec: PipelineSpecInput = {
        dag_id: dagId,
        // The request may carry a password or a connection URI: never let it into the DAG file.
        description: redactSecrets(ctx.request).slice(0, 2000),
        tags: [source.kind, target.kind],
        schedule: schedule === undefined ? null : schedule,
        ...(r.retries !== undefined ? { retries: Math.min(r.retries, 10) } : {}),
        tasks: [
          {
            type: 'transfer',
            id: `load_${targetTable}`.slice(0, 63),
            source,
            source_table: actualTable,
            columns,
            ...(r.filter ? { filter: r.filter } : {}),
            target,
            target_table: targetTable,
            mode,
            keys,
            ...(watermark ? { watermark_column: watermark } : {}),
          },
          {
            type: 'quality_check',
            id: `validate_${targetTable}`.slice(0, 63),
            connection: target,
            table: targetTable,
            checks,
          },
        ],
        dependencies: [[`load_${targetTable}`.slice(0, 63), `validate_${targetTable}`.slice(0, 63)]],
      };
      if (schedule === undefined) notes.push('no schedule mentioned: runs only when triggered');
      return { spec, planner: 'rules', notes };
    },
  };
}
