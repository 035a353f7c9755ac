// A request waiting on $cbs or $management when the connection goes (the hub shutting down while
// a reader opens: the demo's console feed at Ctrl-C) fails at once, not after the 30 s request
// time-out: its timer held a stopped demo's process open for those 30 s. A rhea server takes the
// put-token and, instead of answering, closes the connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AddressInfo, Server } from 'node:net';
import rhea, { type EventContext } from 'rhea';
import { EventHubReader } from '../../../hub/service/event-hub-reader.js';

async function silentHub(how: 'close' | 'drop'): Promise<{ port: number; putTokens: () => number; stop: () => Promise<void> }> {
  const container = rhea.create_container({ id: 'silent-hub' });
  container.sasl_server_mechanisms.enable_anonymous();
  container.sasl_server_mechanisms.enable_plain(() => true);
  let putTokens = 0;
  container.on('message', (ctx: EventContext) => {
    if (ctx.receiver?.target?.address !== '$cbs') return;
    putTokens += 1;
    if (how === 'close') ctx.connection.close({ condition: 'amqp:connection:forced', description: 'shutting down' });
    else (ctx.connection as unknown as { socket: { destroy(): void } }).socket.destroy();
  });
  const server = container.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    putTokens: () => putTokens,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const how of ['close', 'drop'] as const) {
  test(`the hub ${how === 'close' ? 'closes the connection' : 'drops the socket'} instead of answering put-token: open() rejects at once, not after the 30 s request time-out`, async () => {
    const hub = await silentHub(how);
    const key = Buffer.alloc(32, 7).toString('base64');
    const reader = new EventHubReader({ connectionString: `Endpoint=sb://127.0.0.1:${hub.port}/;SharedAccessKeyName=service;SharedAccessKey=${key};EntityPath=hub;UseDevelopmentEmulator=true`, requestTimeoutMs: 30_000 });
    const started = Date.now();
    try {
      const error = await reader.open().then(() => undefined, (e: Error & { code?: string }) => e);
      assert.ok(error, 'open() rejects');
      assert.is(hub.putTokens(), 1, 'the put-token reached the hub');
      assert.is(error!.code, 'disconnected', error!.message);
      assert.ok(Date.now() - started < 5000, `rejected after ${Date.now() - started} ms`);
    } finally {
      await reader.close();
      await hub.stop();
    }
  });
}

test.run();
