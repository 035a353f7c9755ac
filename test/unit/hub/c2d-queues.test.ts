// The C2D queue and feedback batching rules without AMQP (hub/c2d/, hub/store/ on in-memory SQLite;
// issue 3 items 7-8, reference/iot-hub-amqp.md §4.3, §5.3, §7). The clock is a variable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandQueues } from '../../../hub/c2d/command-queues.js';
import { FeedbackQueue } from '../../../hub/c2d/feedback-queue.js';
import { expiryOf, resolveC2dOptions, type C2dOptions } from '../../../hub/c2d/options.js';
import { HubError } from '../../../hub/errors.js';
import { registrySources } from '../../../hub/sources.js';
import { CommandStore, type EnqueueResult, type NewCommand } from '../../../hub/store/command-store.js';
import { openDatabase } from '../../../hub/store/database.js';
import { FeedbackStore } from '../../../hub/store/feedback-store.js';
import { GroupCommit } from '../../../hub/store/group-commit.js';
import { Registry } from '../../../hub/store/registry.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { decodeFeedback, type FeedbackAck } from '../../../protocol/feedback.js';

const fail = (option: string, message: string): never => {
  throw new Error(`${option}: ${message}`);
};

function setup(overrides: Partial<C2dOptions> = {}) {
  let clock = 1_000_000;
  const options = resolveC2dOptions({ maxQueueDepth: 3, maxDeliveryCount: 3, feedbackBatchSize: 2, feedbackBatchMs: 5, ...overrides }, fail);
  const db = openDatabase(undefined, 1);
  const registry = new Registry(db, registrySources(() => clock));
  registry.addDevice('d1');
  const feedbackStore = new FeedbackStore(db);
  const store = new CommandStore(db, feedbackStore);
  const commits = new GroupCommit<NewCommand, EnqueueResult>(db, (items) => store.enqueueAll(items, options.maxQueueDepth));
  const feedback = new FeedbackQueue(feedbackStore, options, () => clock);
  const queues = new CommandQueues(
    { store, commit: (c) => commits.run(c), generationOf: (id) => registry.device(id)?.generationId, feedbackAdded: () => feedback.recordsAdded(), now: () => clock },
    options,
  );
  const command = (messageId: string, ack: FeedbackAck = 'full', ttl = 3600_000): NewCommand => ({
    deviceId: 'd1', messageId, ack, enqueuedAt: clock, expiresAt: clock + ttl, bytes: Buffer.from(messageId),
  });
  /** Every feedback record stored so far, batched now. */
  const feedbackRecords = (): string[] => {
    feedbackStore.formBatch(1000, clock);
    return feedbackStore.batches().flatMap((b) => decodeFeedback(b.body).map((r) => `${r.originalMessageId}:${r.statusCode}`));
  };
  return { registry, queues, feedback, feedbackStore, command, feedbackRecords, advance: (ms: number) => (clock += ms), close: () => (feedback.close(), db.close()) };
}

test('commands go out oldest first, each locked once, with a 16-byte lock token', async () => {
  const s = setup();
  await s.queues.enqueue(s.command('a'));
  await s.queues.enqueue(s.command('b'));
  const a = s.queues.lockNext('d1')!;
  const b = s.queues.lockNext('d1')!;
  assert.equal([a.bytes.toString(), b.bytes.toString()], ['a', 'b']);
  assert.is(a.lockToken.length, 16);
  assert.is(s.queues.lockNext('d1'), undefined);
  assert.is(s.queues.lockNext('nobody'), undefined);
  s.close();
});

test('a full queue refuses with resource-limit while the rest of the same group commit is queued', async () => {
  const s = setup();
  const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => s.queues.enqueue(s.command(id))));
  assert.equal(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  const error = (results[3] as PromiseRejectedResult).reason as HubError;
  assert.is(error.code, 'resource-limit');
  s.close();
});

test('complete → Success, reject → Rejected, abandons up to maxDeliveryCount → DeliveryCountExceeded', async () => {
  const s = setup();
  for (const id of ['ok', 'no', 'again']) await s.queues.enqueue(s.command(id));
  s.queues.settle(s.queues.lockNext('d1')!.lockToken, 'complete');
  s.queues.settle(s.queues.lockNext('d1')!.lockToken, 'reject');
  for (let i = 1; i <= 3; i++) {
    const c = s.queues.lockNext('d1')!;
    assert.is(c.deliveryCount, i - 1);
    s.queues.settle(c.lockToken, 'abandon');
  }
  assert.is(s.queues.lockNext('d1'), undefined);
  assert.equal(s.feedbackRecords(), ['ok:Success', 'no:Rejected', 'again:DeliveryCountExceeded']);
  s.close();
});

test('lock expiry and unlock return the command without counting; a settle after the lock was lost is refused', async () => {
  const s = setup({ lockMs: 60_000 });
  await s.queues.enqueue(s.command('a'));
  const first = s.queues.lockNext('d1')!;
  s.advance(59_999);
  s.queues.sweep();
  assert.is(s.queues.lockNext('d1'), undefined, 'still locked');
  s.advance(1);
  s.queues.sweep();
  const second = s.queues.lockNext('d1')!;
  assert.is(second.deliveryCount, 0);
  assert.is(s.queues.settle(first.lockToken, 'complete'), false);
  s.queues.unlock(second.lockToken);
  const third = s.queues.lockNext('d1')!;
  assert.is(third.deliveryCount, 0);
  assert.is(s.queues.settle(third.lockToken, 'complete'), true);
  s.close();
});

test('expired commands are dead-lettered as Expired by delivery and by the sweep; ack none and positive store none', async () => {
  const s = setup({ maxQueueDepth: 10 });
  await s.queues.enqueue(s.command('swept', 'negative', 1000));
  await s.queues.enqueue(s.command('quiet', 'positive', 1000));
  await s.queues.enqueue(s.command('silent', 'none', 1000));
  await s.queues.enqueue(s.command('late', 'full', 5000));
  s.advance(1000);
  s.queues.sweep();
  s.advance(4000);
  assert.is(s.queues.lockNext('d1'), undefined);
  assert.equal(s.feedbackRecords(), ['swept:Expired', 'late:Expired']);
  s.close();
});

test('removing a device empties its queue: the device added again under the same id gets none of the old commands', async () => {
  const s = setup();
  await s.queues.enqueue(s.command('old-1'));
  await s.queues.enqueue(s.command('old-2'));
  const locked = s.queues.lockNext('d1')!;
  s.registry.removeDevice('d1');
  s.registry.addDevice('d1');
  assert.is(s.queues.lockNext('d1'), undefined);
  assert.is(s.queues.settle(locked.lockToken, 'complete'), false, 'the old lock settles nothing');
  await s.queues.enqueue(s.command('new'));
  assert.is(s.queues.lockNext('d1')?.messageId, 'new');
  s.close();
});

test('expiryOf: default TTL when absent, clamped to the max TTL, past times kept', () => {
  const o = { defaultTtlMs: 3600_000, maxTtlMs: 2 * 86_400_000 };
  assert.is(expiryOf(0, undefined, o), 3600_000);
  assert.is(expiryOf(0, 10 * 86_400_000, o), 2 * 86_400_000);
  assert.is(expiryOf(5000, 1000, o), 1000);
  assert.throws(() => resolveC2dOptions({ maxDeliveryCount: 101 }, fail), /maxDeliveryCount/);
  assert.throws(() => resolveC2dOptions({ lockMs: 0 }, fail), /lockMs/);
});

test('feedback: a full batch forms at once, a partial one after feedbackBatchMs; first settlement final, released comes back', async () => {
  const s = setup({ maxQueueDepth: 10 });
  for (const id of ['a', 'b', 'c']) await s.queues.enqueue(s.command(id));
  for (let i = 0; i < 3; i++) s.queues.settle(s.queues.lockNext('d1')!.lockToken, 'complete');
  const full = s.feedback.take()!;
  assert.equal(decodeFeedback(full.body).map((r) => r.originalMessageId), ['a', 'b']);
  assert.is(s.feedback.take(), undefined, 'c waits for the timer');
  const available = new AsyncQueue<true>();
  s.feedback.onAvailable(() => available.push(true));
  await available.next(1000, 'the partial batch');
  const partial = s.feedback.take()!;
  assert.equal(decodeFeedback(partial.body).map((r) => r.originalMessageId), ['c']);
  s.feedback.settle(full.id, 'done');
  s.feedback.settle(full.id, 'retry'); // a duplicate disposition: ignored
  s.feedback.settle(partial.id, 'retry');
  assert.equal(s.feedbackStore.batches().map((b) => b.id), [partial.id]);
  assert.is(s.feedback.take()!.id, partial.id);
  s.close();
});

test('feedback not taken within feedbackTtlMs is dropped by the sweep', async () => {
  const s = setup({ feedbackTtlMs: 60_000 });
  await s.queues.enqueue(s.command('a'));
  await s.queues.enqueue(s.command('b'));
  for (let i = 0; i < 2; i++) s.queues.settle(s.queues.lockNext('d1')!.lockToken, 'complete');
  s.advance(60_000);
  s.feedback.sweep();
  assert.is(s.feedbackStore.batches().length, 1, 'not older than the TTL yet');
  s.advance(1);
  s.feedback.sweep();
  assert.is(s.feedback.take(), undefined);
  s.close();
});

test.run();
