// In-memory state port: the embedded default for one Node process.
import type { SetOptions, StatePort } from './port.js';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** Map-backed state with lazy expiry and a periodic sweep so dead keys do not pile up. */
export class MemoryState implements StatePort {
  private readonly map = new Map<string, Entry>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    const t = this.now();
    if (t - this.lastSweep < 60_000) return;
    this.lastSweep = t;
    for (const [k, e] of this.map) if (e.expiresAt !== null && e.expiresAt <= t) this.map.delete(k);
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    this.sweep();
    if (options.onlyIfAbsent && this.live(key)) return false;
    this.map.set(key, { value, expiresAt: options.ttlSeconds ? this.now() + options.ttlSeconds * 1000 : null });
    return true;
  }

  async del(key: string): Promise<void> {
    this.map.delete(key);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const e = this.live(key);
    if (!e) {
      this.sweep();
      this.map.set(key, { value: '1', expiresAt: this.now() + ttlSeconds * 1000 });
      return 1;
    }
    const n = Number(e.value) + 1;
    e.value = String(n);
    return n;
  }
}
