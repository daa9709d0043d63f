// Exponential backoff with full jitter: retries of many callers hit by the same outage spread out instead of returning in lockstep.

/** A wait for retry `attempt` (1-based): uniform in [0, min(maxMs, baseMs * 2^(attempt-1))). */
export function fullJitter(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}
