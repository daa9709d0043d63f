// A tiny dependency-free progress bar on stderr: redrawn in place on a TTY, one line per ~10% otherwise (CI logs).

/** Where the bar writes; process.stderr in CLIs, a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressBar {
  /** Sets the absolute count (and the total, when it becomes known or changes). */
  update(done: number, total?: number): void;
  /** Adds `n` (default 1) to the count. */
  tick(n?: number): void;
  /** Prints the final line (count, elapsed time, rate) and stops redrawing. */
  finish(note?: string): void;
}

export interface ProgressOptions {
  total?: number;
  /** What is counted, for the rate: "rows", "orders". */
  unit?: string;
  stream?: ProgressStream;
  /** Milliseconds clock (tests pin it). */
  now?: () => number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * Creates a bar labelled `label`. On a TTY it redraws at most every 100 ms; elsewhere it prints a line
 * each time another 10% is done (or every 10 s when the total is unknown), so logs stay short.
 */
export function createProgress(label: string, opts: ProgressOptions = {}): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const unit = opts.unit ?? 'items';
  const tty = Boolean(stream.isTTY);
  const started = now();
  let total = opts.total;
  let done = 0;
  let lastDraw = -Infinity;
  let lastDecile = 0;
  let finished = false;

  const line = (): string => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const rateText = `${fmt(rate)} ${unit}/s`;
    if (!total) return `${label} ${fmt(done)} ${unit}  ${rateText}  ${formatDuration(elapsed)}`;
    const ratio = Math.min(1, done / total);
    const eta = rate > 0 ? formatDuration((total - done) / rate) : '?';
    const counts = `${String(Math.floor(ratio * 100)).padStart(3)}% ${fmt(done)}/${fmt(total)}  ${rateText}  ETA ${eta}`;
    if (!tty) return `${label} ${counts}`;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - counts.length - 4));
    const filled = Math.round(ratio * width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts}`;
  };

  const draw = (force = false) => {
    if (finished) return;
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < 100) return;
      lastDraw = t;
      stream.write(`\r${line()}\x1b[K`);
      return;
    }
    if (total) {
      const decile = Math.floor((Math.min(done, total) / total) * 10);
      if (decile > lastDecile && decile < 10) {
        lastDecile = decile;
        stream.write(`${line()}\n`);
      }
    } else if (t - lastDraw >= 10_000) {
      if (lastDraw !== -Infinity || t - started >= 10_000) stream.write(`${line()}\n`);
      lastDraw = t;
    }
  };

  return {
    update(n, newTotal) {
      done = n;
      if (newTotal !== undefined) total = newTotal;
      draw();
    },
    tick(n = 1) {
      done += n;
      draw();
    },
    finish(note) {
      if (finished) return;
      const elapsed = (now() - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const text = `${label} ${fmt(done)} ${unit} in ${formatDuration(elapsed)} (${fmt(rate)} ${unit}/s)${note ? ` ${note}` : ''}`;
      stream.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
      finished = true;
    },
  };
}
