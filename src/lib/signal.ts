// In-process wake-ups for long-polls and event streams: waiters sleep until notified or a timeout passes.
//
// Signals only shorten latency inside one process; the store stays the source of truth. Listeners re-read
// it after every wake-up and also on timeout, so several instances (or Workers isolates) stay correct, a
// little later, without any shared bus.

/** A named set of waiters. */
export class Signals {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Wakes everyone waiting on `name`. */
  notify(name: string): void {
    const set = this.waiters.get(name);
    if (!set) return;
    this.waiters.delete(name);
    for (const wake of set) wake();
  }

  /** Resolves true when notified, false after `ms` (or at once when the signal aborts). */
  wait(name: string, ms: number, abort?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let set = this.waiters.get(name);
      if (!set) this.waiters.set(name, (set = new Set()));
      const done = (woken: boolean) => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', onAbort);
        const s = this.waiters.get(name);
        s?.delete(wake);
        if (s && s.size === 0) this.waiters.delete(name);
        resolve(woken);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      set.add(wake);
      abort?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

const registry = new WeakMap<object, Signals>();

/** The signals that belong to one owner (the store: every app and job sharing it wakes each other). */
export function signalsFor(owner: object): Signals {
  let s = registry.get(owner);
  if (!s) registry.set(owner, (s = new Signals()));
  return s;
}
