// Test support: a server-sent events client over fetch (headers allowed), collecting events as they arrive.
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface EventStream {
  events: SseEvent[];
  /** Resolves with the first event (already received or coming) that matches. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens a stream; `ready` resolves once the response headers arrived. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`event stream failed: ${res.status}`);
  const events: SseEvent[] = [];
  const listeners = new Set<() => void>();
  (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i: number;
        while ((i = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const c = line.indexOf(':');
            const field = c === -1 ? line : line.slice(0, c);
            const v = c === -1 ? '' : line.slice(c + 1).replace(/^ /, '');
            if (field === 'event') e.event = v;
            else if (field === 'data') data.push(v);
            else if (field === 'id') e.id = v;
          }
          if (!data.length && e.event === 'message') continue;
          e.data = data.join('\n');
          events.push(e);
          for (const l of listeners) l();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(match);
          if (hit) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error('no matching event arrived'));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
