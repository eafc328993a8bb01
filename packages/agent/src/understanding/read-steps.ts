import type { RequestText } from './request-text.js';

/** Between two step names: a comma, an arrow, "then", "and", "and then", a slash; Korean particles and arrows. */
const EN_GAP = String.raw`(?:\s*(?:,|->|→|=>|>|/|\band\b|\bthen\b|\bafter that\b)\s*)+`;
const KO_GAP = String.raw`(?:\s*(?:,|->|→|=>|>|/|-|그리고|그\s*다음|다음에?|후에?|하고|해서|한\s*뒤|한\s*후)\s*)+`;

const EN_STEPS = new RegExp(
  String.raw`\b(?:(?:in|as|with|into)\s+(?:separate\s+|distinct\s+)?(?:steps?|stages?|tasks?)\s*:?\s*)?` +
    String.raw`extract(?:ion)?${EN_GAP}transform(?:ation)?${EN_GAP}load(?:ing)?` +
    String.raw`(?:${EN_GAP}(?:validate|validation|verify|check))?` +
    String.raw`(?:\s+(?:as\s+)?(?:separate\s+|distinct\s+)?(?:steps|stages|tasks))?\b`,
  'gi',
);
const EN_ETL = /\b(?:in|as|with|into)\s+(?:separate\s+)?(?:ETL|extract[- ]transform[- ]load)\s+(?:steps|stages)\b/gi;
const KO_STEPS = new RegExp(
  String.raw`추출${KO_GAP}변환${KO_GAP}적재(?:${KO_GAP}검증)?` +
    String.raw`(?:\s*(?:의\s*)?(?:단계|스텝|태스크)(?:로|별로|으로)?(?:\s*(?:나눠서|나누어서|나눠|나누어|구성해서|구성하여|구성해))?)?`,
  'g',
);

/**
 * The step shape: "extract, transform, then load and validate", "as separate ETL steps", "추출 → 변환 → 적재 → 검증
 * 단계로". Takes the phrase; true when the request asks for it.
 */
export function readSteps(rt: RequestText): boolean {
  let asked = false;
  for (const pattern of [EN_STEPS, EN_ETL, KO_STEPS]) {
    for (const m of rt.free(pattern)) {
      rt.takeMatch(m);
      asked = true;
    }
  }
  return asked;
}
