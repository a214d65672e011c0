import type { Explanation, Thresholds } from './types.ts';

/** What a rule may push the status towards; decideStatus picks among them by priority. */
export type Verdict = 'review' | 'absent' | 'early_exit' | 'partial' | 'late';

/** One rule's observation about one record: an explanation, maybe a flag, maybe a verdict. */
export interface Finding {
  rule: string;
  text: string;
  thresholds: Partial<Thresholds>;
  eventIds: string[];
  flag?: string;
  verdict?: Verdict;
}

export function toExplanation(f: Finding): Explanation {
  return { rule: f.rule, text: f.text, thresholds: f.thresholds, eventIds: f.eventIds };
}
