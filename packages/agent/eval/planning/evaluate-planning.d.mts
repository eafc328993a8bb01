/** Types of evaluate-planning.mjs, for the TypeScript tests. */
import type { ExprNode, SqliteTableInfo } from '@airflow-mcp/pipeline';

export interface CorpusItem {
  id: string;
  family: string;
  lang: 'en' | 'ko';
  request: string;
  source_db?: string;
  target_db?: string;
  expect: Record<string, unknown> & { refuse?: true; words?: string[] };
}

export interface ExpectedTable {
  source_table: string;
  target_table: string;
  columns: 'all' | { name: string; source?: string; expr?: string; cast?: string }[];
  filter?: string;
  mode: 'replace' | 'append' | 'upsert' | 'incremental';
  keys?: string[];
  watermark?: string;
  checks: Record<string, unknown>[];
}

export interface ExpectedUnderstood {
  dag_id?: string;
  source: string | undefined;
  target: string;
  tables: ExpectedTable[];
  schedule: string | null;
  retries: number;
  retry_delay_s: number;
  failure_alert?: string;
}

export interface CaseOutcome {
  id: string;
  family: string;
  lang: string;
  request: string;
  expectRefusal: boolean;
  kind: 'spec' | 'refusal' | 'error';
  exact: boolean;
  silentDrop: boolean;
  diffs: string[];
  message?: string;
  got?: unknown;
}

export interface GroupScore {
  n: number;
  exact: number;
  silentDrops: number;
  accuracy: number | null;
}

export interface PlanningSummary {
  requests: number;
  exact: number;
  accuracy: number | null;
  silentDrops: number;
  errors: number;
  refusals: {
    expected: number;
    given: number;
    correct: number;
    precision: number | null;
    recall: number | null;
  };
  byLanguage: Record<string, GroupScore>;
  byFamily: Record<string, GroupScore>;
}

type ParseExpression = (source: string, options?: { columns?: readonly string[] }) => ExprNode;
type Introspect = (connection: { kind: string; path?: string }, table?: string) => Promise<SqliteTableInfo | undefined>;

export declare function loadCorpus(path: string): CorpusItem[];
export declare function expectedUnderstood(item: CorpusItem): ExpectedUnderstood | { refuse: true; words: string[] };
export declare function validateCorpus(
  items: CorpusItem[],
  deps: { parseExpression: ParseExpression },
): { problems: string[]; pending: string[] };
export declare function diffUnderstood(
  want: ExpectedUnderstood,
  got: unknown,
  options: { parseExpression: ParseExpression; sourceFile: string | undefined },
): string[];
export declare function fixtureIntrospector(
  fixtureDir: string,
  introspectSqlite: (path: string, table?: string) => SqliteTableInfo | Promise<SqliteTableInfo>,
): Introspect;
export declare function evaluatePlanning(
  items: CorpusItem[],
  options: {
    fixtureDir: string;
    deps: {
      createRulePlanner?: () => unknown;
      planner?: unknown;
      detectLanguage: (text: string) => string;
      understandSpec: (spec: never) => unknown;
      parseExpression: ParseExpression;
      introspectSqlite: (path: string, table?: string) => SqliteTableInfo | Promise<SqliteTableInfo>;
    };
  },
): Promise<{ cases: CaseOutcome[]; summary: PlanningSummary }>;
export declare function summarize(cases: CaseOutcome[]): PlanningSummary;
