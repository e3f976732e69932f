/**
 * Monitors with a check running in this process. The scheduler does not claim their slots and
 * "check now" refuses them, so a monitor never has two checks in flight. Across processes the same
 * holds because a monitor's timeout is shorter than its interval (enforced on input).
 */
export class InFlight {
  private readonly running = new Set<string>();

  tryStart(monitorId: string): boolean {
    if (this.running.has(monitorId)) return false;
    this.running.add(monitorId);
    return true;
  }

  finish(monitorId: string): void {
    this.running.delete(monitorId);
  }

  has(monitorId: string): boolean {
    return this.running.has(monitorId);
  }

  ids(): string[] {
    return [...this.running];
  }

  get size(): number {
    return this.running.size;
  }
}
