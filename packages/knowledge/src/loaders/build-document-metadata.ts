import { detectLanguage } from '../text/detect-language.js';
import type { DocumentMetadata } from '../knowledge-document.js';
import type { FrontMatterValue } from './parse-front-matter.js';

export interface MetadataDefaults {
  docType?: string;
  category?: string;
  airflowVersion?: string;
}

/**
 * Front matter (title, doc_type, category, airflow_version, tags, lang) over defaults derived from the file:
 * the title falls back to the first heading, then the file name; the category to the first folder of the path.
 */
export function buildDocumentMetadata(options: {
  data: Record<string, FrontMatterValue>;
  path: string;
  firstHeading: string | undefined;
  body: string;
  defaults?: MetadataDefaults;
}): DocumentMetadata {
  const { data, path, defaults = {} } = options;
  const text = (key: string): string | undefined => {
    const value = data[key];
    if (value === undefined) return undefined;
    const joined = typeof value === 'string' ? value : value.join(',');
    return joined.trim() === '' ? undefined : joined.trim();
  };
  const tags = data.tags;
  const folder = path.includes('/') ? path.slice(0, path.indexOf('/')) : undefined;
  return {
    title: text('title') ?? options.firstHeading ?? fileTitle(path),
    docType: (text('doc_type') ?? defaults.docType ?? 'reference').toLowerCase(),
    category: (text('category') ?? defaults.category ?? folder ?? 'general').toLowerCase(),
    airflowVersion: normalizeAirflowVersion(text('airflow_version') ?? defaults.airflowVersion),
    lang: (text('lang') ?? detectLanguage(options.body)).toLowerCase(),
    tags: tags === undefined ? [] : typeof tags === 'string' ? splitTags(tags) : tags.map((t) => t.trim()),
  };
}

/** "3", "3.x", "2.7+", "2 and 3", ["2","3"] -> "3" / "2,3"; "both" -> "2,3"; nothing or "any" -> "any". */
export function normalizeAirflowVersion(value: string | undefined): string {
  if (value === undefined) return 'any';
  const lowered = value.toLowerCase();
  if (/\b(?:both|all)\b/.test(lowered)) return '2,3';
  const majors = new Set<string>();
  for (const match of lowered.matchAll(/(?<![\d.])([1-9])(?:\.(?:\d+|x))*(?![\d])/g)) majors.add(match[1] as string);
  return majors.size === 0 ? 'any' : [...majors].sort().join(',');
}

function splitTags(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

function fileTitle(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  return base.replace(/[-_]+/g, ' ').trim() || path;
}
