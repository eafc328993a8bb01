import { basename } from 'node:path';
import type { Connection, Engine } from '@airflow-mcp/pipeline';
import type { RequestText } from './request-text.js';

type Role = 'source' | 'target' | undefined;

interface Mention {
  engine: Engine | undefined;
  path?: string;
  connId?: string;
  index: number;
  role: Role;
}

export interface ConnectionsReading {
  source: Connection | undefined;
  target: Connection | undefined;
  /** Questions when a connection is named without what is needed to reach it. */
  questions: { en: string; ko: string }[];
}

const ENGINE_WORDS: [Engine, string][] = [
  ['sqlite', String.raw`sqlite\s?3?|sq\s?lite|SQLite3?|에스큐라이트`],
  ['duckdb', String.raw`duck\s?db|덕디비|덕db`],
  ['postgres', String.raw`postgres(?:ql)?|postgre|\bpg\b|포스트그레스(?:큐엘)?|포스트그레`],
  ['mysql', String.raw`my\s?sql|maria\s?db|마이에스큐엘`],
];

/** Which way a mention points: "from X"/"X에서" is the source, "to X"/"into X"/"X로" the target. */
function roleAt(text: string, index: number, length: number): Role {
  const before = text.slice(Math.max(0, index - 24), index).toLowerCase();
  const after = text.slice(index + length, index + length + 48);
  if (
    // ("from customers into x.duckdb": the nearer "into" decides)
    /\b(?:from|off|out\s+of|source(?:\s+is)?|reading|read)\s+(?:the\s+|a\s+|my\s+|our\s+)?(?:(?!(?:to|into|onto)\s)\w+\s+){0,2}$/.test(
      before,
    )
  )
    return 'source';
  if (
    /\b(?:to|into|in|onto|target(?:\s+is)?|destination(?:\s+is)?|over\s+to|write|writing|save|saving|store|storing|land)\s+(?:the\s+|a\s+|my\s+|our\s+|an?\s+new\s+)?(?:\w+\s+){0,2}$/.test(
      before,
    )
  )
    return 'target';
  if (/^[^\s,.]*?에\s*(?:있는|저장된|들어\s*있는|담긴)/.test(after)) return 'source';
  // "the customers table in SQLite shop.db": where the table is, not where it goes.
  if (/\btable\s+in\s+(?:the\s+)?$/i.test(before)) return 'source';
  const ko =
    /^[^\s,.]*?(에서|로부터|으로|로|에)(?=\s|$|[,.])/.exec(after) ??
    /^\s*(?:의\s+)?[^\s,.]+\s*(?:테이블|파일|데이터베이스|디비|db|DB)(에서|로부터|으로|로)(?=\s|$|[,.])/.exec(after);
  if (ko) return ko[1] === '에서' || ko[1] === '로부터' ? 'source' : 'target';
  if (/^\s*(?:의\s+)?(?:[^\s,.]*\s+){0,3}?(?:원본|소스)/.test(after) || /(?:원본|소스)\s*(?:은|는|:)?\s*$/.test(before))
    return 'source';
  if (/(?:대상|타깃|타겟|목적지)\s*(?:은|는|:)?\s*$/.test(before)) return 'target';
  return undefined;
}

function engineOfPath(path: string): Engine {
  return /\.(duckdb|ddb)$/i.test(path) ? 'duckdb' : 'sqlite';
}

function connectionFromHint(hint: string): Connection {
  const m = /^(postgres|postgresql|mysql):([A-Za-z_]\w*)$/i.exec(hint);
  if (m) {
    return (m[1] as string).toLowerCase() === 'mysql'
      ? { kind: 'mysql', conn_id: m[2] as string }
      : { kind: 'postgres', conn_id: m[2] as string };
  }
  return { kind: engineOfPath(hint), path: hint } as Connection;
}

/**
 * Source and target databases: SQLite/DuckDB files by path, PostgreSQL/MySQL by Airflow connection id
 * ("postgres:warehouse_pg", "the warehouse_pg connection", "warehouse_pg 연결"), and the engine words with their
 * direction ("from SQLite", "DuckDB로"). Hints from the caller win;
 * a database the request names for the same side must agree with its hint, or it is asked about.
 */
export function readConnections(
  rt: RequestText,
  hints: { sourceDb?: string | undefined; targetDb?: string | undefined },
): ConnectionsReading {
  const text = rt.text;
  const mentions: Mention[] = [];
  const questions: ConnectionsReading['questions'] = [];
  for (const m of rt.free(
    /\b(postgres(?:ql)?|mysql)\s*:\s*([A-Za-z_]\w*)|((?:[\w~.-]*\/)*[\w.-]+\.(?:duckdb|ddb|db|sqlite3?))(?!\w|\.\w)/gi,
  )) {
    rt.takeMatch(m);
    if (m[3])
      mentions.push({
        engine: engineOfPath(m[3]),
        path: m[3],
        index: m.index,
        role: roleAt(text, m.index, m[0].length),
      });
    else
      mentions.push({
        engine: (m[1] as string).toLowerCase() === 'mysql' ? 'mysql' : 'postgres',
        connId: m[2] as string,
        index: m.index,
        role: roleAt(text, m.index, m[0].length),
      });
  }
  const connIds: { id: string; index: number }[] = [];
  // "postgres warehouse_pg", "mysql 연결 warehouse_mysql": an engine word right before a connection id.
  for (const m of rt.free(
    /\b(postgres(?:ql)?|mysql|maria\s?db)\s+(?:(?:connection|conn(?:[\s_-]?id)?|연결|커넥션)\s*)?[`"']?([A-Za-z_]\w*(?:_\w+|\d))[`"']?(?![\w.])/gi,
  )) {
    rt.takeMatch(m);
    const engine = /mysql|maria/i.test(m[1] as string) ? 'mysql' : 'postgres';
    mentions.push({ engine, connId: m[2] as string, index: m.index, role: roleAt(text, m.index, m[0].length) });
  }
  const notAnId = String.raw`(?!(?:postgres(?:ql)?|mysql|maria\s?db|the|a|an|my|our|this|that|airflow|db|database)\b)`;
  for (const m of rt.free(
    new RegExp(
      String.raw`\b(?:(?:airflow\s+)?(?:connection|conn)(?:[\s_-]?id)?|연결(?:\s*id|\s*아이디)?|커넥션)\s*(?:named|called|is|=|:|은|는)?\s*[\`"']?${notAnId}([A-Za-z_]\w*)[\`"']?|[\`"']?\b${notAnId}([A-Za-z_]\w*)[\`"']?\s+(?:connection|conn)\b|[\`"']?\b${notAnId}([A-Za-z_]\w*)[\`"']?\s*(?:연결|커넥션)`,
      'gi',
    ),
  )) {
    const id = (m[1] ?? m[2] ?? m[3]) as string;
    if (/^(the|a|an|my|our|this|that|postgres|postgresql|mysql|airflow|db|database|named|called|id)$/i.test(id))
      continue;
    rt.takeMatch(m);
    connIds.push({ id, index: m.index });
  }
  // "the warehouse", "웨어하우스로": the default DuckDB warehouse; "the shop database": shop.db, if it exists.
  for (const m of rt.free(/\b(?:the\s+|our\s+|my\s+)?(?:data\s+)?warehouse\b(?!\.)|웨어하우스|데이터\s*웨어하우스/gi)) {
    rt.takeMatch(m);
    mentions.push({
      engine: 'duckdb',
      path: 'warehouse.duckdb',
      index: m.index,
      role: roleAt(text, m.index, m[0].length) ?? 'target',
    });
  }
  for (const m of rt.free(
    /\b(?:the\s+)?([a-z][a-z0-9_]*)\s+(?:database|db|sqlite\s+(?:database|db|file))\b|\b([a-z][a-z0-9_]*)\s*(?:데이터베이스|디비)/gi,
  )) {
    const name = (m[1] ?? m[2]) as string;
    if (/^(the|a|an|source|target|sqlite|duckdb|postgres|postgresql|mysql|same|other|new|that|this)$/i.test(name))
      continue;
    rt.takeMatch(m);
    mentions.push({ engine: 'sqlite', path: `${name}.db`, index: m.index, role: roleAt(text, m.index, m[0].length) });
  }
  for (const [engine, words] of ENGINE_WORDS) {
    for (const m of rt.free(new RegExp(`(?<![\\w.])(?:${words})(?![\\w])`, 'gi'))) {
      rt.takeMatch(m);
      mentions.push({ engine, index: m.index, role: roleAt(text, m.index, m[0].length) });
    }
  }
  mentions.sort((a, b) => a.index - b.index);
  // A connection id belongs to the nearest PostgreSQL/MySQL mention without one.
  for (const c of connIds) {
    const open = mentions
      .filter((m) => (m.engine === 'postgres' || m.engine === 'mysql') && !m.connId && !m.path)
      .sort((a, b) => Math.abs(a.index - c.index) - Math.abs(b.index - c.index))[0];
    if (open) open.connId = c.id;
    else
      questions.push({
        en: `Is "${c.id}" a PostgreSQL or a MySQL connection? Say "postgres:${c.id}" or "mysql:${c.id}".`,
        ko: `"${c.id}" 연결은 PostgreSQL인가요 MySQL인가요? "postgres:${c.id}" 또는 "mysql:${c.id}"처럼 알려주세요.`,
      });
  }
  // An engine word next to a file of that engine is the same mention ("the SQLite file shop.db").
  const merged: Mention[] = [];
  for (const m of mentions) {
    const twin = merged.find(
      (o) =>
        o.engine === m.engine &&
        Math.abs(o.index - m.index) < 40 &&
        (Boolean(o.path) !== Boolean(m.path) || Boolean(o.connId) !== Boolean(m.connId)) &&
        !(o.path && m.path),
    );
    if (twin) {
      twin.path ??= m.path;
      twin.connId ??= m.connId;
      twin.role ??= m.role;
      continue;
    }
    merged.push({ ...m });
  }

  const toConnection = (m: Mention, role: 'source' | 'target'): Connection | undefined => {
    if (m.path) return { kind: engineOfPath(m.path), path: m.path } as Connection;
    if (m.engine === 'postgres' || m.engine === 'mysql') {
      if (m.connId)
        return m.engine === 'mysql' ? { kind: 'mysql', conn_id: m.connId } : { kind: 'postgres', conn_id: m.connId };
      questions.push({
        en: `Which Airflow connection id should I use for ${m.engine} (${role})? Credentials live only in Airflow connections, e.g. "${m.engine}:warehouse_${m.engine === 'mysql' ? 'mysql' : 'pg'}".`,
        ko: `${m.engine} (${role === 'source' ? '원본' : '대상'})에 사용할 Airflow 연결 ID를 알려주세요. 자격 증명은 Airflow 연결에만 둡니다 (예: "${m.engine}:warehouse_pg").`,
      });
      return undefined;
    }
    if (m.engine === 'duckdb' && role === 'target') return { kind: 'duckdb', path: 'warehouse.duckdb' };
    if (m.engine === 'sqlite' && role === 'target') return { kind: 'sqlite', path: 'warehouse.db' };
    questions.push({
      en: `Which ${m.engine} file should I read from? Give its path (inside the allowed data folders) or pass source_db.`,
      ko: `읽을 ${m.engine} 파일 경로를 알려주세요 (허용된 데이터 폴더 안), 또는 source_db를 지정하세요.`,
    });
    return undefined;
  };

  let sourceMention = merged.find((m) => m.role === 'source');
  let targetMention = merged.find((m) => m.role === 'target' && m !== sourceMention);
  const rest = merged.filter((m) => m !== sourceMention && m !== targetMention);
  if (!hints.sourceDb && !sourceMention) sourceMention = rest.shift();
  if (!hints.targetDb && !targetMention) {
    targetMention =
      rest.find((m) => !hints.sourceDb || m.engine !== connectionFromHint(hints.sourceDb).kind) ?? rest[0];
  }
  // A database the request names for a side the caller's hint also gives must be that one: "copy orders from
  // shop.db to events.db" with target_db analytics.duckdb went to analytics.duckdb, dropping "to events.db".
  for (const [hint, mention, side] of [
    [hints.sourceDb, sourceMention, 'source'],
    [hints.targetDb, targetMention, 'target'],
  ] as const) {
    if (!hint || !mention || mention.role !== side) continue;
    const given = connectionFromHint(hint);
    const named = mention.path ?? mention.connId;
    const same =
      (mention.engine === undefined || mention.engine === given.kind) &&
      (named === undefined ||
        ('path' in given ? basename(given.path) === basename(named) : given.conn_id === mention.connId));
    if (same) continue;
    const said = named ?? mention.engine;
    const hinted = 'path' in given ? given.path : `${given.kind}:${given.conn_id}`;
    questions.push({
      en: `The request names ${said} as the ${side}, but the ${side} given with it is ${hinted}: which one?`,
      ko: `요청에는 ${side === 'source' ? '원본' : '대상'}이 ${said}인데, 함께 받은 ${side === 'source' ? '원본' : '대상'}은 ${hinted}입니다: 어느 쪽인가요?`,
    });
  }
  const source = hints.sourceDb
    ? connectionFromHint(hints.sourceDb)
    : sourceMention
      ? toConnection(sourceMention, 'source')
      : undefined;
  const target = hints.targetDb
    ? connectionFromHint(hints.targetDb)
    : targetMention
      ? toConnection(targetMention, 'target')
      : undefined;
  return { source, target, questions };
}

/** Connection URIs ("postgresql://user:password@host/db") are taken and answered with a question: never used. */
export function takeConnectionUris(rt: RequestText): { en: string; ko: string }[] {
  const questions: { en: string; ko: string }[] = [];
  // A connection URI ("postgresql://user:password@host/db") is never used: credentials live in Airflow connections.
  for (const m of rt.free(/\b(?:postgres(?:ql)?|mysql|mariadb|jdbc:[a-z]+|[a-z][a-z0-9+.-]*sql)(?:\+\w+)?:\/\/\S+/gi)) {
    rt.takeMatch(m);
    questions.push({
      en: 'A connection URI was given: this service never takes credentials. Create an Airflow connection for that database and name its id (for example "postgres:warehouse_pg").',
      ko: '연결 URI가 주어졌습니다: 이 서비스는 자격 증명을 받지 않습니다. 그 데이터베이스에 대한 Airflow 연결을 만들고 연결 ID를 알려주세요 (예: "postgres:warehouse_pg").',
    });
  }
  return questions;
}

// Data systems people name that this service neither reads nor writes (MariaDB is MySQL's, Greenplum PostgreSQL's).
const UNSUPPORTED_SYSTEMS =
  /(?<![\w.])(?:snowflake|big\s?query|redshift|databricks|oracle|sql\s?server|mssql|azure\s+sql|synapse|mongo(?:db)?|cosmos\s?db|dynamo\s?db|firestore|cassandra|elastic\s?search|opensearch|clickhouse|kafka|hive|teradata|vertica|athena|trino|presto|s3|gcs|google\s+sheets|salesforce|스노우플레이크|빅쿼리|레드시프트|데이터브릭스|오라클|몽고\s?db|카프카|엘라스틱서치)(?![\w.])/giu;

/**
 * Names of data systems the service does not move data to or from (Snowflake, BigQuery, Oracle, ...) are taken and
 * answered with a question naming them, before any reader could take "to Snowflake" for a DuckDB table of that name.
 * A source table of that name (`isSourceName`) is left alone; a column of that name is refused, naming it.
 */
export function takeUnsupportedSystems(
  rt: RequestText,
  isSourceName: (word: string) => boolean,
): { en: string; ko: string }[] {
  const questions: { en: string; ko: string }[] = [];
  for (const m of rt.free(UNSUPPORTED_SYSTEMS)) {
    if (isSourceName(m[0])) continue;
    rt.takeMatch(m);
    questions.push({
      en: `"${m[0]}" is not a database this service reads or writes: it moves data between SQLite and DuckDB files, PostgreSQL and MySQL (through Airflow connections).`,
      ko: `"${m[0]}"은(는) 이 서비스가 읽거나 쓰는 데이터베이스가 아닙니다: SQLite·DuckDB 파일, PostgreSQL, MySQL(Airflow 연결) 사이에서만 옮깁니다.`,
    });
  }
  return questions;
}
