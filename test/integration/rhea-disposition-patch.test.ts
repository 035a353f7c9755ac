// rhea 3.0.5 merges consecutive dispositions with different outcomes when the range holds one
// delivery (reference/node-stack-notes.md): `reject, accept` reached the sender as
// `rejected, rejected`. scripts/patch-rhea.mjs fixes it at install; these tests prove the fix over a
// real rhea connection on loopback by settling several deliveries in ONE tick.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea from 'rhea';
import type { AddressInfo } from 'node:net';

type Outcome = 'accepted' | 'rejected' | 'released' | 'modified';

/** Sends `settle.length` messages; the receiver settles them all in one tick as listed; returns what the sender saw, by message index. */
async function outcomesAtSender(settle: Outcome[]): Promise<Outcome[]> {
  const server = rhea.create_container({ id: 'receiver', autoaccept: false } as rhea.ContainerOptions);
  const held: rhea.Delivery[] = [];
  server.on('receiver_open', (ctx) => ctx.receiver?.add_credit(settle.length));
  server.on('message', (ctx) => {
    held.push(ctx.delivery!);
    if (held.length < settle.length) return;
    held.forEach((delivery, i) => {
      const outcome = settle[i]!;
      if (outcome === 'accepted') delivery.accept();
      else if (outcome === 'rejected') delivery.reject({ condition: 'amqp:precondition-failed', description: `message ${i}` });
      else if (outcome === 'released') delivery.release();
      else delivery.modified({ delivery_failed: true, undeliverable_here: true });
    });
  });
  const listener = server.listen({ port: 0, host: '127.0.0.1' });
  await new Promise((ready) => listener.once('listening', ready));
  const port = (listener.address() as AddressInfo).port;

  const client = rhea.create_container({ id: 'sender' });
  const seen: Outcome[] = [];
  const done = new Promise<void>((resolve) => {
    const record = (outcome: Outcome) => (ctx: rhea.EventContext) => {
      seen[Number(ctx.delivery!.tag.toString())] = outcome;
      if (seen.filter(Boolean).length === settle.length) resolve();
    };
    for (const outcome of ['accepted', 'rejected', 'released', 'modified'] as const) client.on(outcome, record(outcome));
  });
  const connection = client.connect({ port, host: '127.0.0.1', reconnect: false });
  const sender = connection.open_sender({ target: { address: 'q' }, autosettle: true, treat_modified_as_released: false } as rhea.SenderOptions);
  sender.once('sendable', () => {
    settle.forEach((_, i) => sender.send({ body: `m${i}` }, Buffer.from(String(i))));
  });
  await done;
  connection.close();
  listener.close();
  return seen;
}

test('outcomes reject, accept, accept settled in one tick each reach the sender unchanged', async () => {
  assert.equal(await outcomesAtSender(['rejected', 'accepted', 'accepted']), ['rejected', 'accepted', 'accepted']);
});

test('outcomes accept, reject, modified settled in one tick each reach the sender unchanged', async () => {
  assert.equal(await outcomesAtSender(['accepted', 'rejected', 'modified']), ['accepted', 'rejected', 'modified']);
});

test('a run of equal outcomes still settles every delivery (batching kept where it is correct)', async () => {
  assert.equal(await outcomesAtSender(['accepted', 'accepted', 'accepted', 'released']), ['accepted', 'accepted', 'accepted', 'released']);
});

test.run();
