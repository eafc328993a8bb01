import { AppError } from '@airflow-mcp/core';

/** What a statement of a spec is for: a check reads, a task transforms. */
export type SqlPurpose = 'check' | 'task';

/**
 * Functions a spec's SQL may call, in every dialect: pure computations over values (aggregates, windows, maths,
 * text, dates, JSON, hashes). Anything else (files, programs, sleeps, settings, large objects, other databases,
 * extensions, sequences) is refused because it is not here, whatever its name in whichever engine.
 */
const FUNCTIONS = `
count sum avg min max stddev stddev_pop stddev_samp variance var_pop var_samp bool_and bool_or every string_agg
group_concat array_agg median mode percentile_cont percentile_disc quantile_cont quantile_disc approx_count_distinct
any_value arg_min arg_max corr covar_pop covar_samp count_if
row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
abs ceil ceiling floor round trunc truncate sign sqrt cbrt power pow exp ln log log2 log10 mod div greatest least pi
radians degrees sin cos tan asin acos atan atan2 random isnan isinf isfinite
coalesce nullif ifnull nvl iif if isnull exists
length char_length character_length octet_length bit_length lower upper lcase ucase trim ltrim rtrim btrim substr
substring left right replace concat concat_ws position strpos instr locate lpad rpad repeat reverse split_part
starts_with ends_with contains prefix suffix initcap translate ascii chr char overlay
regexp_matches regexp_replace regexp_like regexp_substr regexp_instr regexp_full_match regexp_extract
like_escape similar_escape similar_to_escape md5 sha1 sha256 hex to_hex
now current_date current_timestamp current_time localtimestamp localtime date_trunc date_part datepart extract date
time datetime strftime strptime julianday unixepoch to_char to_date to_timestamp to_number age date_diff datediff
date_add date_sub adddate subdate timestampdiff timestampadd year month day dayofmonth dayofweek dayofyear week
weekday quarter hour minute second epoch epoch_ms make_date make_time make_timestamp make_interval last_day
str_to_date date_format from_unixtime unix_timestamp justify_days justify_hours utc_timestamp curdate curtime
timezone
json_extract json_extract_string json_value json_array_length json_type json_valid jsonb_extract_path
jsonb_extract_path_text json_extract_path json_extract_path_text jsonb_array_length jsonb_typeof json_typeof
typeof
`;
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(FUNCTIONS.split(/\s+/).filter(Boolean));

/** Type names a cast or a column definition may use (PostgreSQL's internal names included). */
const TYPES = `
int int2 int4 int8 integer smallint bigint tinyint hugeint ubigint uinteger usmallint utinyint numeric decimal real
float float4 float8 double text varchar char bpchar string bool boolean date time timetz timestamp timestamptz
interval json jsonb uuid bytea blob
`;
export const ALLOWED_TYPES: ReadonlySet<string> = new Set(TYPES.split(/\s+/).filter(Boolean));

/** A plain table, view, schema or column name: no dots, slashes or quotes (no file path as a table). */
export const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * The engines' own catalogs and introspection tables (settings, sessions and their queries, file paths, raw pages)
 * are not tables of the spec's data: refused by schema or by name prefix.
 */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'pg_toast', 'information_schema', 'mysql', 'performance_schema', 'sys']);
const SYSTEM_TABLE = /^(pg_|sqlite_|duckdb_|pragma_)|^(dbstat|fts3tokenize)$/i;

export function isSystemTable(schema: string | undefined, table: string): boolean {
  return (schema !== undefined && SYSTEM_SCHEMAS.has(schema.toLowerCase())) || SYSTEM_TABLE.test(table);
}

/** The statements a sql task may be, as the error text names them. */
export const TASK_SHAPES =
  'SELECT, CREATE TABLE (columns or AS SELECT), CREATE [OR REPLACE] VIEW ... AS SELECT, INSERT INTO ... SELECT/VALUES, UPDATE, DELETE FROM ... WHERE';
export const CHECK_SHAPE = 'one read-only SELECT (or WITH ... SELECT) over tables of this connection';

export function allowedHere(purpose: SqlPurpose): string {
  return purpose === 'check' ? CHECK_SHAPE : TASK_SHAPES;
}

/** The one error for refused SQL: where it is, which part was refused and what is allowed. */
export function refuseSql(where: string, purpose: SqlPurpose, why: string): never {
  throw new AppError(
    'VALIDATION_FAILED',
    `${where}: ${why}. Allowed: ${allowedHere(purpose)}, calling only pure functions (no files, programs, settings or other databases).`,
    { details: { step: 'sql', where } },
  );
}
