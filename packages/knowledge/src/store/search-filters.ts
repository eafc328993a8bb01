import { normalizeAirflowVersion } from '../loaders/build-document-metadata.js';

/** Metadata filters of a search; field names as the MCP tool takes them. */
export interface SearchFilters {
  doc_type?: string | undefined;
  category?: string | undefined;
  /** "3", "2.9", "3.x": matches documents for that major and documents for any version. */
  airflow_version?: string | undefined;
  lang?: string | undefined;
}

/** What the in-process cache keeps per chunk to apply the same filters without the database. */
export interface ChunkFilterFields {
  docType: string;
  category: string;
  airflowVersion: string;
  lang: string;
}

interface NormalizedFilters {
  docType: string | undefined;
  category: string | undefined;
  majors: string[] | undefined;
  lang: string | undefined;
}

function normalize(filters: SearchFilters | undefined): NormalizedFilters {
  const clean = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim().toLowerCase());
  const version = clean(filters?.airflow_version);
  const majors = version === undefined ? undefined : normalizeAirflowVersion(version);
  return {
    docType: clean(filters?.doc_type),
    category: clean(filters?.category),
    majors: majors === undefined || majors === 'any' ? undefined : majors.split(','),
    lang: clean(filters?.lang),
  };
}

/** SQL conditions over `d` (knowledge.documents) appended to `params`; "TRUE" when there is no filter. */
export function filtersToSql(filters: SearchFilters | undefined, params: unknown[]): string {
  const f = normalize(filters);
  const parts: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.docType) parts.push(`d.doc_type = ${bind(f.docType)}`);
  if (f.category) parts.push(`d.category = ${bind(f.category)}`);
  if (f.lang) parts.push(`d.lang = ${bind(f.lang)}`);
  if (f.majors) {
    parts.push(`(d.airflow_version = 'any' OR string_to_array(d.airflow_version, ',') && ${bind(f.majors)}::text[])`);
  }
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

/** The same test in memory, for the hnsw cache. */
export function chunkMatchesFilters(fields: ChunkFilterFields, filters: SearchFilters | undefined): boolean {
  const f = normalize(filters);
  if (f.docType && fields.docType !== f.docType) return false;
  if (f.category && fields.category !== f.category) return false;
  if (f.lang && fields.lang !== f.lang) return false;
  if (f.majors && fields.airflowVersion !== 'any') {
    const versions = fields.airflowVersion.split(',');
    if (!f.majors.some((m) => versions.includes(m))) return false;
  }
  return true;
}

export function hasFilters(filters: SearchFilters | undefined): boolean {
  const f = normalize(filters);
  return Boolean(f.docType || f.category || f.lang || f.majors);
}
