import type { SourceColumn } from '@airflow-mcp/pipeline';
import { formsPattern, nameForms, nameOfForm, type NameForm } from './name-forms.js';

/** What the source says of one table: its columns and, for short lists of text values, the values themselves. */
export interface TableSchema {
  name: string;
  columns: SourceColumn[] | undefined;
  rowCount: number | undefined;
  values?: Record<string, string[]> | undefined;
}

/** Korean and English words for common values, as the values a column may hold. */
const VALUE_WORDS: Readonly<Record<string, readonly string[]>> = {
  취소: ['cancelled', 'canceled'],
  취소된: ['cancelled', 'canceled'],
  대기: ['pending', 'waiting'],
  대기중: ['pending'],
  보류: ['pending', 'on_hold'],
  완료: ['completed', 'complete', 'done', 'delivered', 'paid'],
  완료된: ['completed', 'complete', 'done', 'delivered'],
  배송: ['shipped', 'delivered'],
  배송된: ['shipped', 'delivered'],
  배송완료: ['delivered'],
  환불: ['refunded'],
  환불된: ['refunded'],
  결제완료: ['paid'],
  실패: ['failed'],
  성공: ['success', 'succeeded'],
  활성: ['active'],
  비활성: ['inactive'],
  한국: ['KR', 'KOR', 'Korea', 'South Korea'],
  korea: ['KR', 'KOR', 'Korea', 'South Korea'],
  korean: ['KR', 'KOR', 'Korea', 'South Korea'],
  일본: ['JP', 'JPN', 'Japan'],
  japan: ['JP', 'JPN', 'Japan'],
  japanese: ['JP', 'JPN', 'Japan'],
  미국: ['US', 'USA', 'United States'],
  usa: ['US', 'USA', 'United States'],
  america: ['US', 'USA', 'United States'],
  american: ['US', 'USA', 'United States'],
  중국: ['CN', 'CHN', 'China'],
  china: ['CN', 'CHN', 'China'],
  chinese: ['CN', 'CHN', 'China'],
  독일: ['DE', 'DEU', 'Germany'],
  germany: ['DE', 'DEU', 'Germany'],
  german: ['DE', 'DEU', 'Germany'],
  영국: ['GB', 'UK', 'United Kingdom'],
  uk: ['GB', 'UK', 'United Kingdom'],
  britain: ['GB', 'UK', 'United Kingdom'],
  british: ['GB', 'UK', 'United Kingdom'],
  프랑스: ['FR', 'FRA', 'France'],
  france: ['FR', 'FRA', 'France'],
  french: ['FR', 'FRA', 'France'],
  캐나다: ['CA', 'CAN', 'Canada'],
  canada: ['CA', 'CAN', 'Canada'],
  서울: ['Seoul'],
  부산: ['Busan'],
  도쿄: ['Tokyo'],
  모바일: ['mobile'],
  데스크톱: ['desktop'],
  데스크탑: ['desktop'],
  태블릿: ['tablet'],
  카드: ['card', 'credit_card'],
  현금: ['cash'],
  클릭: ['click'],
  구매: ['purchase'],
  로그인: ['login'],
  가입: ['signup', 'sign_up'],
  cancelled: ['cancelled', 'canceled'],
  canceled: ['cancelled', 'canceled'],
};

/** Words that name a column by what it means: "priced" -> price, "aged" -> age. */
const COLUMN_WORDS: Readonly<Record<string, readonly string[]>> = {
  priced: ['price', 'unit_price'],
  costing: ['price', 'unit_price'],
  costs: ['price'],
  aged: ['age'],
  old: ['age'],
  'years old': ['age'],
  created: ['created_at'],
  placed: ['created_at'],
  ordered: ['created_at'],
  paid: ['paid_at'],
  shipped: ['shipped_at'],
  lasting: ['duration_ms', 'duration'],
  lasted: ['duration_ms', 'duration'],
  longer: ['duration_ms', 'duration'],
  shorter: ['duration_ms', 'duration'],
  older: ['age'],
  younger: ['age'],
};

/** The COLUMN_WORDS safe to match as a column anywhere ("paid" and "shipped" are values as often). */
const FORM_WORDS = new Set(['priced', 'costing', 'aged', 'created', 'placed', 'ordered']);

/** The tables of the source and the columns of the tables in play, with every way the request may name them. */
export class Vocabulary {
  readonly tables: TableSchema[];
  readonly tableForms: NameForm[];
  readonly tablePattern: string;
  private inPlay: TableSchema[] = [];
  private columnForms: NameForm[] = [];
  /** A non-capturing pattern for a column of the tables in play. */
  col = '(?!)';

  constructor(tables: TableSchema[], extraTableForms: NameForm[] = []) {
    this.tables = tables;
    this.tableForms = [...nameForms(tables.map((t) => t.name)), ...extraTableForms];
    this.tablePattern = formsPattern(this.tableForms).replace(/^\[`"\]\?\(/, '[`"]?(?:');
  }

  tableOf(matched: string): string | undefined {
    return nameOfForm(this.tableForms, matched);
  }

  /** Sets the tables whose columns the readers look for (the tables the request moves). */
  play(tables: TableSchema[], extraColumnForms: NameForm[] = []): void {
    this.inPlay = tables;
    const names = [...new Set(tables.flatMap((t) => (t.columns ?? []).map((c) => c.name)))];
    // Words that name a column by meaning ("priced", "aged", "created"), for the columns there are.
    const meaning: NameForm[] = [];
    for (const [word, columns] of Object.entries(COLUMN_WORDS)) {
      if (!FORM_WORDS.has(word)) continue;
      const hit = names.find((n) => columns.includes(n.toLowerCase()));
      if (hit) meaning.push({ form: word, name: hit, via: 'spelling' });
    }
    this.columnForms = [...nameForms(names), ...extraColumnForms, ...meaning];
    // "users.email": a column may carry its table's name.
    const qualifiers = tables.map((t) => t.name).filter((n) => /^\w+$/.test(n));
    const tableQualifier = qualifiers.length ? `(?:(?<![\\w.])(?:${qualifiers.join('|')})\\.)?` : '';
    this.col = tableQualifier + formsPattern(this.columnForms).replace(/^\[`"\]\?\(/, '[`"]?(?:');
  }

  get playing(): readonly TableSchema[] {
    return this.inPlay;
  }

  columnNames(): string[] {
    return [...new Set(this.inPlay.flatMap((t) => (t.columns ?? []).map((c) => c.name)))];
  }

  /** The column a matched text names, or undefined. */
  column(matched: string): string | undefined {
    const text = matched.trim().replace(/^(?:the|a|an)\s+/i, '');
    const direct = nameOfForm(this.columnForms, text);
    if (direct) return direct;
    // "users.email": a column qualified with its table.
    const qualified = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(text);
    if (qualified && this.inPlay.some((t) => t.name.toLowerCase() === (qualified[1] as string).toLowerCase()))
      return nameOfForm(this.columnForms, qualified[2] as string);
    const word = COLUMN_WORDS[text.toLowerCase()];
    return word ? this.columnNames().find((c) => word.includes(c.toLowerCase())) : undefined;
  }

  /** The column a text names by its name or spelling only (no words like "priced"). */
  columnByName(matched: string): string | undefined {
    return nameOfForm(this.columnForms, matched.trim().replace(/^(?:the|a|an)\s+/i, ''));
  }

  /** The table's date column for "since 2026-01-01": created_at, occurred_at, ts, ... (the first there is). */
  dateColumn(): string | undefined {
    const names = this.columnNames();
    for (const preferred of [
      'created_at',
      'occurred_at',
      'ts',
      'started_at',
      'timestamp',
      'event_time',
      'date',
      'paid_at',
      'signup_at',
    ])
      if (names.includes(preferred)) return preferred;
    return undefined;
  }

  typeOf(column: string): SourceColumn['type'] | undefined {
    for (const t of this.inPlay) {
      const c = t.columns?.find((c) => c.name === column);
      if (c) return c.type;
    }
    return undefined;
  }

  /** The tables in play that have a column. */
  tablesWith(column: string): string[] {
    return this.inPlay.filter((t) => t.columns?.some((c) => c.name === column)).map((t) => t.name);
  }

  /**
   * The column and value a bare word stands for ("pending" -> status = 'pending', "Korea" -> country = 'KR'):
   * only when exactly one column of the tables in play holds a matching value.
   */
  valueOf(word: string): { column: string; value: string } | undefined {
    const key = word.toLowerCase().trim();
    const candidates = VALUE_WORDS[key] ?? VALUE_WORDS[key.replace(/(?:인|된|한)$/, '')] ?? [word];
    const hits: { column: string; value: string }[] = [];
    for (const t of this.inPlay) {
      for (const [column, values] of Object.entries(t.values ?? {})) {
        for (const candidate of candidates) {
          const hit = values.find((v) => v.toLowerCase() === candidate.toLowerCase());
          if (hit && !hits.some((h) => h.column === column && h.value === hit)) {
            hits.push({ column, value: hit });
            break;
          }
        }
      }
    }
    const columns = new Set(hits.map((h) => h.column));
    return columns.size === 1 ? hits[0] : undefined;
  }

  /** The one money-like column ("orders over 100"), when the tables in play have exactly one. */
  amountColumn(): string | undefined {
    const names = this.columnNames().filter((n) =>
      /^(amount|total|total_amount|price|total_price|revenue|value|order_total|grand_total)$/i.test(n),
    );
    return names.length === 1 ? names[0] : undefined;
  }
}
