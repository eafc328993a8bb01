import { AppError } from '@airflow-mcp/core';

export interface WordPieceEncoding {
  /** [CLS] pieces… [SEP], cut to the maximum length. */
  ids: number[];
}

export interface WordPieceTokenizer {
  encode(text: string, maxLength: number): WordPieceEncoding;
  readonly padId: number;
}

const MAX_WORD_CHARS = 100;

/**
 * BERT's uncased WordPiece tokenizer (what all-MiniLM-L6-v2 was trained with), from its vocab.txt (one piece a
 * line, the line number is the id): control characters dropped, lowercase, accents stripped (NFD, combining marks
 * removed), split on whitespace and punctuation, CJK ideographs one a word, then greedy longest-match pieces with
 * "##" continuations; a word with no split becomes [UNK].
 */
export function createWordPieceTokenizer(vocabText: string): WordPieceTokenizer {
  const vocab = new Map<string, number>();
  vocabText.split('\n').forEach((line, index) => {
    const piece = line.replace(/\r$/, '');
    if (piece !== '' && !vocab.has(piece)) vocab.set(piece, index);
  });
  const special = (name: string): number => {
    const id = vocab.get(name);
    if (id === undefined)
      throw new AppError('INVALID_INPUT', `The WordPiece vocabulary has no ${name}: is it a BERT vocab.txt?`);
    return id;
  };
  const cls = special('[CLS]');
  const sep = special('[SEP]');
  const unk = special('[UNK]');
  const padId = special('[PAD]');

  const wordPieces = (word: string, out: number[]) => {
    if (word.length > MAX_WORD_CHARS) {
      out.push(unk);
      return;
    }
    const pieces: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let found: number | undefined;
      while (start < end) {
        const candidate = (start > 0 ? '##' : '') + word.slice(start, end);
        found = vocab.get(candidate);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) {
        out.push(unk);
        return;
      }
      pieces.push(found);
      start = end;
    }
    out.push(...pieces);
  };

  return {
    padId,
    encode(text, maxLength) {
      const ids = [cls];
      const limit = Math.max(2, maxLength) - 1;
      for (const word of basicTokens(text)) {
        wordPieces(word, ids);
        if (ids.length >= limit) break;
      }
      ids.length = Math.min(ids.length, limit);
      ids.push(sep);
      return { ids };
    },
  };
}

/** BERT's basic tokenization: cleaned, lowercased, accent-stripped words and single punctuation marks. */
export function basicTokens(text: string): string[] {
  const normalized = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
  const out: string[] = [];
  let word = '';
  const flush = () => {
    if (word !== '') out.push(word);
    word = '';
  };
  for (const char of normalized) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0 || code === 0xfffd || (isControl(char) && !/\s/u.test(char))) continue;
    if (/\s/u.test(char)) flush();
    else if (isPunctuation(char, code) || isCjk(code)) {
      flush();
      out.push(char);
    } else word += char;
  }
  flush();
  return out;
}

function isControl(char: string): boolean {
  return /\p{Cc}|\p{Cf}/u.test(char);
}

function isPunctuation(char: string, code: number): boolean {
  return (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126) ||
    /\p{P}/u.test(char)
  );
}

function isCjk(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2a6df) ||
    (code >= 0x2a700 && code <= 0x2b73f) ||
    (code >= 0x2b740 && code <= 0x2b81f) ||
    (code >= 0x2b820 && code <= 0x2ceaf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x2f800 && code <= 0x2fa1f)
  );
}
