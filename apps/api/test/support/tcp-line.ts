import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP relay in front of a real service (PostgreSQL, Redis): `cut()` drops every connection and
 * refuses new ones (an outage as the app sees it), `restore()` lets them in again.
 */
export interface TcpLine {
  port: number;
  /** `target` with its host and port replaced by the relay's. */
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Relays new connections to this URL's host and port from now on. */
  retarget(target: string): void;
  close(): Promise<void>;
}

export async function aTcpLine(target: string, defaultPort: number): Promise<TcpLine> {
  let upstream = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const up = connect(Number(upstream.port || defaultPort), upstream.hostname);
        sockets.add(client).add(up);
        client.pipe(up).pipe(client);
        const drop = () => {
          client.destroy();
          up.destroy();
          sockets.delete(client);
          sockets.delete(up);
        };
        client.on('error', drop).on('close', drop);
        up.on('error', drop).on('close', drop);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const address = s.address();
        port = typeof address === 'object' && address ? address.port : port;
        server = s;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
    });
  await listen();
  const relayed = new URL(target);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(port);
  return {
    port,
    url: relayed.toString().replace(/\/$/, ''),
    cut: stop,
    restore: listen,
    close: stop,
    retarget: (next) => void (upstream = new URL(next)),
  };
}
