const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/gu;
const LETTER = /\p{L}/gu;

/** "ko" when a fifth or more of the letters are Hangul, else "en". Enough for routing and filters. */
export function detectLanguage(text: string): 'ko' | 'en' {
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return 'en';
  const hangul = text.match(HANGUL)?.length ?? 0;
  return hangul / letters >= 0.2 ? 'ko' : 'en';
}
