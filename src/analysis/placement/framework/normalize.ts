/** framework.MaxNodeScore: every normalized score is within 0..100. */
export const MAX_NODE_SCORE = 100;

/**
 * pkg/scheduler/framework/plugins/helper/normalize_score.go DefaultNormalizeScore: scales the
 * scores from 0..max(scores) to 0..100 with integer arithmetic (`100 * score / max`, truncated);
 * `reverse` subtracts the result from 100. When every score is 0 they stay 0 (100 when reversed).
 */
export function defaultNormalizeScore(scores: number[], reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((maxPriority * scores[i]!) / max);
    scores[i] = reverse ? maxPriority - s : s;
  }
}
