// Per-connection limits (issue 3 items 3, 10): rhea bounds neither sessions nor links, and every
// put-token anchors a grant, so one peer could grow the hub's state without end. Beyond
// maxSessionsPerConnection / maxLinksPerConnection the hub refuses with
// amqp:resource-limit-exceeded; beyond maxTokensPerConnection a put-token gets status 403.
// Small limits here; the defaults (1000 / 4000 / 1000) fit a gateway multiplexing ~1000 devices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection, EventContext, Session } from 'rhea';
import { createSasToken } from '../../../protocol/sas.js';
import { cbsClient, next, openedConnections, rawClient, startTestHub, type TestHub } from './helpers.js';

let t: TestHub;
const opened = openedConnections();
test.before(async () => {
  t = await startTestHub({ maxSessionsPerConnection: 2, maxLinksPerConnection: 3, maxTokensPerConnection: 2 });
  for (const id of ['lim-a', 'lim-b', 'lim-c']) t.hub.registry.addDevice(id);
});
test.after.each(opened.closeAll);
test.after(async () => {
  await t.stop();
});

const connect = (): Promise<Connection> => opened.keep(rawClient(t.hub));

const conditionOf = (error: unknown): string | undefined => (error as { condition?: string } | undefined)?.condition;

/** Begins a session; `open` and `refused` (the end's condition) are listened for from the start. */
function begin(c: Connection): { session: Session; open: Promise<unknown>; refused: Promise<string | undefined> } {
  const session = c.create_session();
  const open = next(session, 'session_open');
  const refused = next<EventContext>(session, 'session_error').then((ctx) => conditionOf(ctx.session!.error));
  session.begin();
  return { session, open, refused };
}

test('a session beyond maxSessionsPerConnection is ended with resource-limit-exceeded; ending one makes room', async () => {
  const c = await connect();
  const first = begin(c);
  await first.open;
  await begin(c).open;
  assert.is(await begin(c).refused, 'amqp:resource-limit-exceeded');

  const ended = next(first.session, 'session_close');
  first.session.close();
  await ended;
  const again = begin(c);
  await again.open;
  assert.is(await begin(c).refused, 'amqp:resource-limit-exceeded', 'two sessions open again: the next is refused');
  assert.ok(again.session.is_open(), 'the session begun after one ended stays open');
});

test('a link beyond maxLinksPerConnection is refused with resource-limit-exceeded; detaching one makes room', async () => {
  const c = await connect();
  const links = [c.open_sender('$cbs'), c.open_receiver('$cbs'), c.open_sender('$cbs')];
  await Promise.all(links.map((l) => next(l, l.is_sender() ? 'sender_open' : 'receiver_open')));
  const fourth = c.open_receiver('$cbs');
  const refused = await next<EventContext>(fourth, 'receiver_error');
  assert.is(conditionOf(refused.receiver!.error), 'amqp:resource-limit-exceeded');

  const detached = next(links[0]!, 'sender_close');
  links[0]!.close();
  await detached;
  const fifth = c.open_receiver('$cbs');
  await next(fifth, 'receiver_open');
  assert.ok(fifth.is_open());
});

test('a token for a new audience beyond maxTokensPerConnection gets 403; renewing a held one still gets 200', async () => {
  const cbs = await cbsClient(await connect());
  const token = (id: string): string =>
    createSasToken({ audience: `localhost/devices/${id}`, key: t.hub.registry.device(id)!.primaryKey, keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  assert.is((await cbs.put(token('lim-a'), 'a')).status, 200);
  assert.is((await cbs.put(token('lim-b'), 'b')).status, 200);
  const third = await cbs.put(token('lim-c'), 'c');
  assert.is(third.status, 403);
  assert.match(String(third.description), /2 tokens/);
  assert.is((await cbs.put(token('lim-a'), 'a')).status, 200);
});

test.run();
