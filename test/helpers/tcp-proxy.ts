import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a real server (Redis) that a test can break the way networks break:
 * `pass` forwards; `blackhole` keeps connections open but forwards nothing either way (a hung
 * server, a dropped route); `refuse` closes every connection at once (a stopped server).
 */
export type ProxyMode = 'pass' | 'blackhole' | 'refuse';

export interface TcpProxy {
  /** e.g. redis://127.0.0.1:<port> when `scheme` is redis. */
  url: string;
  setMode(mode: ProxyMode): void;
  /** Bytes clients sent that reached the proxy since the last reset (forwarded or not). */
  receivedBytes(): number;
  resetCounters(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, scheme: string): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  let received = 0;
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (mode === 'pass') upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'pass') client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropAll = (): void => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    setMode(next) {
      // Bytes dropped in a blackhole leave the protocol out of step: those connections cannot resume.
      if (next === 'refuse' || mode === 'blackhole') dropAll();
      mode = next;
    },
    receivedBytes: () => received,
    resetCounters() {
      received = 0;
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
