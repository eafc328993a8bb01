/** What every loader produces: metadata plus the body as sections of headed blocks, ready for the splitter. */
export type DocumentFormat = 'markdown' | 'rst';

export interface DocumentMetadata {
  title: string;
  docType: string;
  category: string;
  /** Normalised Airflow majors, comma-joined ("2,3"), or "any". */
  airflowVersion: string;
  lang: string;
  tags: readonly string[];
}

/** A paragraph-like unit the splitter may put whole into a chunk. Code blocks are never cut. */
export interface DocumentBlock {
  kind: 'text' | 'code';
  text: string;
}

export interface DocumentSection {
  /** Headings from the top of the document down to this section, e.g. ["DuckDB", "Bulk loading"]. */
  headingPath: readonly string[];
  blocks: readonly DocumentBlock[];
}

export interface KnowledgeDocument {
  /** Path relative to its source root, with forward slashes (the `doc` in search results). */
  path: string;
  format: DocumentFormat;
  metadata: DocumentMetadata;
  /** The document text without front matter, as written. */
  body: string;
  sections: readonly DocumentSection[];
}
