/** Suppresses a repeat of the same identity at the same gate within a window. */
export class IdentityCooldown {
  private readonly last = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True (and remembered) if this identity may produce an event at ts; false inside the window. */
  allow(gateId: string, studentId: string, ts: number): boolean {
    const key = `${gateId}\u0000${studentId}`;
    const prev = this.last.get(key);
    if (prev !== undefined && ts - prev < this.windowMs) return false;
    this.last.set(key, ts);
    if (this.last.size > 10_000) this.prune(ts);
    return true;
  }

  private prune(ts: number): void {
    for (const [k, t] of this.last) if (ts - t >= this.windowMs) this.last.delete(k);
  }
}
