// The per-device C2D queues' behaviour (issue 3 item 7; reference/iot-hub-amqp.md §4.3, §7),
// with no AMQP in it: enqueue (durable before it resolves), lock the next command for delivery,
// settle it, release locks, sweep expiry. The AMQP handlers (amqp/service-bound.ts,
// amqp/device-bound.ts) only translate links and outcomes to these calls.
//
// Lifecycle of a command (§4.3 table):
//   queued --lockNext--> locked --complete--> gone, feedback Success
//                               --reject----> dead-lettered, feedback Rejected
//                               --abandon---> queued, delivery count + 1; at maxDeliveryCount
//                                             dead-lettered, feedback DeliveryCountExceeded
//                               --unlock / lock expiry--> queued, count unchanged
//   queued past its expiry (found by lockNext or sweep) --> dead-lettered, feedback Expired
// Feedback is stored with the outcome when the command's `iothub-ack` asks for it (§5.3).
// Locks live in memory: a restart puts every command back in its queue (item 9).
import { randomBytes } from 'node:crypto';
import { feedbackRecord, feedbackWanted, type FeedbackStatusCode } from '../../protocol/feedback.js';
import { HubError } from '../errors.js';
import type { CommandStore, EnqueueResult, NewCommand, StoredCommand } from '../store/command-store.js';
import type { C2dOptions } from './options.js';

/** A command handed to a receiver: its lock token is the delivery tag (16 bytes ≤ AMQP's 32). */
export interface LockedCommand {
  lockToken: Buffer;
  bytes: Buffer;
  messageId: string;
  deliveryCount: number;
}

export type Settlement = 'complete' | 'reject' | 'abandon';

export interface CommandQueueDeps {
  store: CommandStore;
  /** Durable enqueue (store/group-commit.ts around `store.enqueueAll`). */
  commit(command: NewCommand): Promise<EnqueueResult>;
  /** The device's generation id for feedback; undefined when it left the registry. */
  generationOf(deviceId: string): string | undefined;
  /** Called after feedback records were stored. */
  feedbackAdded(): void;
  now(): number;
  newLockToken?: () => Buffer;
}

interface Lock { seq: number; deviceId: string; until: number }

export class CommandQueues {
  private readonly locks = new Map<string, Lock>();
  private readonly lockedSeqs = new Set<number>();
  private readonly listeners = new Set<(deviceId: string) => void>();
  private readonly newLockToken: () => Buffer;

  constructor(private readonly deps: CommandQueueDeps, private readonly options: C2dOptions) {
    this.newLockToken = deps.newLockToken ?? (() => randomBytes(16));
  }

  /** Resolves once the command is committed; a full queue → HubError('resource-limit'). */
  async enqueue(command: NewCommand): Promise<void> {
    const result = await this.deps.commit(command).catch((cause: unknown) => {
      throw new HubError('unavailable', 'the command could not be stored; send it again', { cause });
    });
    if (!result.ok) {
      throw new HubError('resource-limit', `the queue of device ${command.deviceId} holds ${result.depth} commands, the most IoT Hub allows is ${this.options.maxQueueDepth}`);
    }
    this.available(command.deviceId);
  }

  /** `listener(deviceId)` whenever a device's queue may have a deliverable command; returns an unsubscribe. */
  onAvailable(listener: (deviceId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The oldest unlocked, unexpired command of the device, now locked for `lockMs`. */
  lockNext(deviceId: string): LockedCommand | undefined {
    const now = this.deps.now();
    for (const command of this.deps.store.queued(deviceId)) {
      if (this.lockedSeqs.has(command.seq)) continue;
      if (command.expiresAt <= now) {
        this.finish(command, 'Expired');
        continue;
      }
      const bytes = this.deps.store.bytes(command.seq);
      if (!bytes) continue;
      const lockToken = this.newLockToken();
      this.locks.set(lockToken.toString('hex'), { seq: command.seq, deviceId, until: now + this.options.lockMs });
      this.lockedSeqs.add(command.seq);
      return { lockToken, bytes, messageId: command.messageId, deliveryCount: command.deliveryCount };
    }
    return undefined;
  }

  /** The device's outcome for a locked command. False when the lock was already lost (expired, released). */
  settle(lockToken: Buffer, outcome: Settlement): boolean {
    const lock = this.takeLock(lockToken);
    if (!lock) return false;
    const command = this.deps.store.queued(lock.deviceId).find((c) => c.seq === lock.seq);
    if (!command) return false;
    if (outcome === 'complete') this.finish(command, 'Success');
    else if (outcome === 'reject') this.finish(command, 'Rejected');
    else {
      const count = this.deps.store.countDelivery(command.seq);
      if (count >= this.options.maxDeliveryCount) this.finish(command, 'DeliveryCountExceeded');
      else this.available(lock.deviceId);
    }
    return true;
  }

  /** Lock lost with the link or connection: back to the queue without counting (§4.3). */
  unlock(lockToken: Buffer): void {
    const lock = this.takeLock(lockToken);
    if (lock) this.available(lock.deviceId);
  }

  /** Lock expiry (back to the queue, not counted) and TTL expiry of unlocked commands (dead-lettered, Expired). */
  sweep(): void {
    const now = this.deps.now();
    for (const [token, lock] of this.locks) {
      if (lock.until <= now) this.unlock(Buffer.from(token, 'hex'));
    }
    for (const command of this.deps.store.expiredAt(now)) {
      if (!this.lockedSeqs.has(command.seq)) this.finish(command, 'Expired');
    }
  }

  private takeLock(lockToken: Buffer): Lock | undefined {
    const key = lockToken.toString('hex');
    const lock = this.locks.get(key);
    if (!lock) return undefined;
    this.locks.delete(key);
    this.lockedSeqs.delete(lock.seq);
    return lock;
  }

  private finish(command: StoredCommand, status: FeedbackStatusCode): void {
    const record = feedbackWanted(command.ack, status)
      ? feedbackRecord({
          originalMessageId: command.messageId,
          deviceId: command.deviceId,
          deviceGenerationId: this.deps.generationOf(command.deviceId) ?? '',
          statusCode: status,
          atMs: this.deps.now(),
        })
      : undefined;
    if (this.deps.store.finish(command.seq, record) && record) this.deps.feedbackAdded();
  }

  private available(deviceId: string): void {
    for (const listener of [...this.listeners]) listener(deviceId);
  }
}
