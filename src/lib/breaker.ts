// A circuit breaker: after repeated failures stop calling a dependency for a while, then let one probe through.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe call is let through. */
  cooldownMs?: number;
  now?: () => number;
  /** Called on every state change (logging). */
  onChange?: (to: BreakerState, from: BreakerState) => void;
}

/**
 * closed: calls go through and consecutive failures are counted; open: no calls until the cooldown has
 * passed; half-open: exactly one call (the probe) goes through, its success closes the circuit and its
 * failure opens it for another cooldown. Callers ask `allow()` before a call and report the outcome.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions = {}) {
    this.threshold = Math.max(1, options.failureThreshold ?? 1);
    this.cooldownMs = options.cooldownMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go to the dependency now; in half-open only the first caller gets true. */
  allow(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.cooldownMs) return false;
      this.move('half-open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.move('closed');
  }

  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.threshold)) {
      this.openedAt = this.now();
      this.move('open');
    }
  }

  private move(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.options.onChange?.(to, from);
  }
}
