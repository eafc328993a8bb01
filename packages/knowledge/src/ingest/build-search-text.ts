import { contentTerms } from '../text/tokenize.js';

/**
 * The terms PostgreSQL's 'simple' full-text configuration indexes for a text: our tokenizer's content words
 * (stopwords out, Hangul split from Latin, Korean stems added), so that index and queries see the same words.
 */
export function buildSearchText(text: string): string {
  return contentTerms(text).join(' ');
}

/** What gets embedded for a chunk: its document title and heading path give the vector its context. */
export function buildEmbeddingText(options: { title: string; headingPath: string; text: string }): string {
  const heading = options.headingPath && options.headingPath !== options.title ? `\n${options.headingPath}` : '';
  return `${options.title}${heading}\n\n${options.text}`;
}
