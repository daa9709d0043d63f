// A small RESP2 client over node:net for test servers that front the machine's real Redis (pipelined, ordered).
import { connect, type Socket } from 'node:net';

/** A Redis error reply (kept as a value: inside EXEC results it is one element among others). */
export class RespError {
  constructor(readonly message: string) {}
}

/** Bulk strings stay bytes (Buffer): Redis values are binary and the REST layer decides how to encode them. */
export type RespValue = string | number | null | Buffer | RespError | RespValue[];

type Parsed = { value: RespValue; end: number } | null;

function parse(buf: Buffer, at: number): Parsed {
  if (at >= buf.length) return null;
  const lineEnd = buf.indexOf('\r\n', at);
  if (lineEnd < 0) return null;
  const head = buf.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (buf[at]) {
    case 0x2b: // +
      return { value: head, end: next };
    case 0x2d: // -
      return { value: new RespError(head), end: next };
    case 0x3a: // :
      return { value: Number(head), end: next };
    case 0x24: {
      // $
      const len = Number(head);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.subarray(next, next + len), end: next + len + 2 };
    }
    case 0x2a: {
      // *
      const n = Number(head);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[at]}`);
  }
}

function encode(args: (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** One connection; replies resolve in request order, so a batch written at once is never interleaved. */
export class RespClient {
  private buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      let pos = 0;
      for (;;) {
        const r = parse(this.buffer, pos);
        if (!r) break;
        pos = r.end;
        this.waiting.shift()?.resolve(r.value);
      }
      this.buffer = this.buffer.subarray(pos);
    });
    const fail = (err: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('redis connection closed')));
  }

  static connect(port = 6379, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends commands in one write and resolves with their replies, in order. */
  commands(list: (string | number | Buffer)[][]): Promise<RespValue[]> {
    if (!list.length) return Promise.resolve([]);
    const replies = list.map(() => new Promise<RespValue>((resolve, reject) => this.waiting.push({ resolve, reject })));
    this.socket.write(Buffer.concat(list.map(encode)));
    return Promise.all(replies);
  }

  async command(...args: (string | number | Buffer)[]): Promise<RespValue> {
    const [r] = await this.commands([args]);
    return r;
  }

  close(): void {
    this.socket.end();
  }
}
