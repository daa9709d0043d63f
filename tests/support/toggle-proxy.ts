// Test support: a TCP proxy on a fixed loopback port that can be taken down and brought back (a store "outage").
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ToggleProxy {
  /** http://127.0.0.1:<port>: the same address before, during and after an outage. */
  url: string;
  port: number;
  /** Stops listening and cuts every open connection: clients get ECONNREFUSED / resets. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<free port> to `target` (host:port) until taken down. */
export async function startToggleProxy(targetUrl: string): Promise<ToggleProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const make = (): Server =>
    createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      sockets.add(client);
      sockets.add(upstream);
      const drop = () => {
        sockets.delete(client);
        sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  let server: Server | null = make();
  const listen = (s: Server, port: number) => new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const down = async () => {
    if (!server) return;
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    await new Promise<void>((r) => s.close(() => r()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    down,
    async up() {
      if (server) return;
      server = make();
      await listen(server, port);
    },
    close: down,
  };
}
