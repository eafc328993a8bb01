/**
 * A clarification's answer merged into the request it answers: the words the question quoted as not understood are
 * taken out (the answer stands in for them), then the answer is added as a sentence of its own. Planning then reads
 * the merged request as a whole, faithfulness check included.
 */
export function mergeClarification(request: string, answer: string, notUnderstood: readonly string[]): string {
  let rest = request;
  for (const words of notUnderstood) {
    const trimmed = words.trim();
    if (trimmed === '') continue;
    const at = rest.toLowerCase().indexOf(trimmed.toLowerCase());
    if (at >= 0) rest = `${rest.slice(0, at)} ${rest.slice(at + trimmed.length)}`;
  }
  const cleaned = rest
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/([,;:])(?:[,;:])+/g, '$1')
    .replace(/([,;:])(?=\s*(?:[.!?]|$))/g, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  const said = answer.trim();
  if (cleaned === '') return said;
  return /[.!?。]$/.test(cleaned) ? `${cleaned} ${said}` : `${cleaned}. ${said}`;
}
