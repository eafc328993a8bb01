import { AppError } from '@airflow-mcp/core';
import type { KnowledgeDocument } from '../knowledge-document.js';
import type { MetadataDefaults } from './build-document-metadata.js';
import { loadMarkdown } from './load-markdown.js';
import { loadRestructuredText } from './load-restructured-text.js';

/** File extensions the loaders read; anything else is not a knowledge document. */
export const DOCUMENT_EXTENSIONS: readonly string[] = ['.md', '.markdown', '.mdx', '.rst', '.txt'];

export function isDocumentPath(path: string): boolean {
  const lower = path.toLowerCase();
  return DOCUMENT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Picks the loader by extension: reStructuredText for .rst, markdown for the rest (plain text is valid markdown). */
export function loadDocument(options: { path: string; text: string; defaults?: MetadataDefaults }): KnowledgeDocument {
  if (!isDocumentPath(options.path)) {
    throw new AppError(
      'UNSUPPORTED',
      `Cannot load ${options.path}: only ${DOCUMENT_EXTENSIONS.join(', ')} files are read.`,
    );
  }
  return options.path.toLowerCase().endsWith('.rst') ? loadRestructuredText(options) : loadMarkdown(options);
}
