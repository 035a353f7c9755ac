// Device listeners (qdrouterd.md §1.2 listener): plain TCP, TLS, or both on one port when the
// listener has an sslProfile but `requireSsl: no` (Proton auto-detects; here the first byte
// decides: 0x16 is a TLS handshake record, anything else is plain AMQP). Each connection is handed
// to the one AMQP path (accept.ts) with tcp_no_delay (node-stack-notes.md, Nagle numbers).
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ListenerPlan } from './options.js';

export interface BoundListener {
  name: string;
  host: string;
  port: number;
  tls: boolean;
  close(): Promise<void>;
}

const TLS_HANDSHAKE = 0x16;

export function listen(plan: ListenerPlan, accept: (stream: Duplex, label: string) => void): Promise<BoundListener> {
  const context = plan.tls ? tls.createSecureContext({ key: plan.tls.key, cert: plan.tls.cert, passphrase: plan.tls.passphrase, ...(plan.tls.ciphers ? { ciphers: plan.tls.ciphers } : {}) }) : undefined;
  const label = (s: net.Socket, kind: string): string => `${plan.name} ${kind} ${s.remoteAddress}:${s.remotePort}`;
  const secure = (socket: net.Socket): void => {
    const t = new tls.TLSSocket(socket, { isServer: true, secureContext: context! });
    t.on('error', () => t.destroy());
    t.once('secure', () => accept(t, label(socket, 'tls')));
  };
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    if (!context) return accept(socket, label(socket, 'tcp'));
    if (plan.tls!.requireTls) return secure(socket);
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (first) socket.unshift(first);
      if (first?.[0] === TLS_HANDSHAKE) secure(socket);
      else accept(socket, label(socket, 'tcp'));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A burst of device connections must not overflow the accept queue (qdrouterd 1.19 keeps 50 and
    // lost ~6 % of a 5,000 burst; Node defaults to 511): ask for the most the kernel allows (somaxconn caps it).
    server.listen({ host: plan.host || undefined, port: plan.port, backlog: 65535 }, () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        name: plan.name,
        host: address.address,
        port: address.port,
        tls: Boolean(context),
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
