// TCP: node:net with Nagle off (reference/node-stack-notes.md: Nagle makes at-least-once AMQP
// latency-bound), so a small frame leaves at once, as it would from the board's socket.
import { connect, type Socket } from 'node:net';
import type { Transport } from './transport.js';

export interface TcpTransportOptions {
  host: string;
  port: number;
}

export function tcpTransport(options: TcpTransportOptions): Transport {
  const { host, port } = options;
  return {
    describe: () => `tcp ${host}:${port}`,
    open: () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host, port, noDelay: true });
        const failed = (error: Error): void => reject(error);
        socket.once('error', failed);
        socket.once('connect', () => {
          socket.off('error', failed);
          socket.setNoDelay(true);
          resolve(socket);
        });
      }),
  };
}
