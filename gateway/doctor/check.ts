/** One self-check of `hallgate doctor`. */
export interface CheckResult {
  /** What was checked, e.g. 'store integrity', 'reader r1'. */
  name: string;
  /** 'ok' passed, 'fail' must be fixed, 'skip' does not apply here (never fails the run). */
  status: 'ok' | 'fail' | 'skip';
  /** What was found. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
});

/** One line: status, name, what was found and, for a failure, the fix. */
export function checkLine(r: CheckResult): string {
  const tag = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' }[r.status];
  return `${tag}  ${r.name}: ${r.detail}${r.fix ? ` -> fix: ${r.fix}` : ''}`;
}
