import type { DocumentFormat, KnowledgeDocument } from '../knowledge-document.js';
import { buildDocumentMetadata, type MetadataDefaults } from './build-document-metadata.js';
import type { FrontMatterValue } from './parse-front-matter.js';
import type { SectionBuilder } from './section-builder.js';

/** The last step every loader shares: sections out of the builder, metadata from front matter and defaults. */
export function createKnowledgeDocument(options: {
  format: DocumentFormat;
  path: string;
  data: Record<string, FrontMatterValue>;
  body: string;
  builder: SectionBuilder;
  defaults: MetadataDefaults | undefined;
}): KnowledgeDocument {
  const sections = options.builder.finish();
  return {
    path: options.path,
    format: options.format,
    metadata: buildDocumentMetadata({
      data: options.data,
      path: options.path,
      firstHeading: options.builder.firstHeading,
      body: options.body,
      ...(options.defaults ? { defaults: options.defaults } : {}),
    }),
    body: options.body,
    sections,
  };
}
