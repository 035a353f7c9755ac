// The Netduino firmware as one XState v5 machine (state diagram: device-emulator/README.md).
// Two regions run side by side: `sampler` reads the sensors every interval into the outbox, online
// or not, and `connection` walks boot -> session (linkUp -> connecting -> cbs -> attaching ->
// online) -> backoff -> session ... Every side effect is a named action or actor (swap them with
// .provide()); every failure is an event that lands in the visible `backoff` state; time is only
// `after` with the named delays below, so a SimulatedClock drives all of it in tests.
import { assign, enqueueActions, raise, sendTo, setup } from 'xstate';
import { readCommand } from '../messages.js';
import { requeueInFlight, settle, takeUnsent } from '../outbox.js';
import type { CommandOutcome, SessionCommand, SessionEvent, SessionInput } from '../session.js';
import { amqpSession } from '../amqp/session-actor.js';
import { buttonPresses } from './button-presses.js';
import { initialContext, nextBackoff, nextToken, queueReading, type FirmwareContext, type FirmwareInput } from './firmware-context.js';

export type FirmwareEvent =
  | SessionEvent
  | { type: 'BUTTON'; count: number }
  | { type: 'SHUTDOWN' }
  | { type: 'REBOOT' }
  | { type: 'INTERVAL.CHANGED' }
  | { type: 'OUTBOX.CHANGED' };

const settleCommand = (deliveryId: number, outcome: CommandOutcome, credit: boolean): SessionCommand => ({ type: 'settle', deliveryId, outcome, credit });
const countCommand = (c: FirmwareContext, outcome: CommandOutcome, detail: string) => ({
  lastCommand: { outcome, detail },
  stats: { ...c.stats, commands: { ...c.stats.commands, [outcome]: c.stats.commands[outcome] + 1 } },
});

export const firmwareMachine = setup({
  types: {} as { context: FirmwareContext; events: FirmwareEvent; input: FirmwareInput },
  actors: { session: amqpSession, buttons: buttonPresses },
  guards: {
    tokenAccepted: ({ event }) => event.type === 'SESSION.CBS' && event.status === 200,
  },
  delays: {
    bootTime: ({ context }) => context.timing.bootMs,
    stepTimeout: ({ context }) => context.timing.stepTimeoutMs,
    tokenRenewal: ({ context }) => context.timing.tokenRenewalMs,
    sampleInterval: ({ context }) => context.intervalMs,
    backoff: ({ context }) => context.backoffMs,
    rebootTime: ({ context }) => context.timing.rebootMs,
    closeTimeout: ({ context }) => context.timing.closeTimeoutMs,
  },
  actions: {
    startBoot: enqueueActions(({ context, enqueue }) => {
      context.deps.board.led.set('off');
      enqueue.assign({ boot: context.boot + 1, seq: 0, intervalMs: context.defaultIntervalMs, attempt: 0 });
      enqueue.raise({ type: 'INTERVAL.CHANGED' });
    }),
    queueReading: assign(({ context }) => queueReading(context)),
    queueAlert: assign(({ context }) => ({ ...queueReading(context, 'button'), stats: { ...context.stats, alerts: context.stats.alerts + 1 } })),
    announceOutbox: raise({ type: 'OUTBOX.CHANGED' }),
    flushOutbox: enqueueActions(({ context, enqueue }) => {
      const { outbox, toSend } = takeUnsent(context.outbox);
      if (toSend.length === 0) return;
      enqueue.assign({ outbox });
      for (const { id, body, properties } of toSend) enqueue.sendTo('session', { type: 'send', message: { id, body, properties } } satisfies SessionCommand);
    }),
    applyOutcome: assign(({ context, event }) => (event.type === 'SESSION.OUTCOME' ? { outbox: settle(context.outbox, event.id, event.outcome) } : {})),
    requeueInFlight: assign(({ context }) => ({ outbox: requeueInFlight(context.outbox) })),
    putToken: enqueueActions(({ context, enqueue }) => {
      const { audience, token, expiresAt } = nextToken(context);
      enqueue.assign({ pendingTokenExpiresAt: expiresAt });
      enqueue.sendTo('session', { type: 'put-token', audience, token } satisfies SessionCommand);
    }),
    noteToken: assign(({ context }) => ({ tokenExpiresAt: context.pendingTokenExpiresAt, stats: { ...context.stats, tokens: context.stats.tokens + 1 } })),
    attachLinks: sendTo('session', { type: 'attach' } satisfies SessionCommand),
    closeSession: sendTo('session', { type: 'close' } satisfies SessionCommand),
    noteFailure: assign(({ event }) => (event.type === 'SESSION.FAILED' ? { lastFailure: { reason: event.reason, detail: event.detail } } : {})),
    noteTimeout: assign(({ context }, params: { step: string }) => ({
      lastFailure: { reason: 'timeout' as const, detail: `no answer to ${params.step} within ${context.timing.stepTimeoutMs} ms` },
    })),
    noteUnauthorized: assign(({ event }) =>
      event.type === 'SESSION.CBS' ? { lastFailure: { reason: 'unauthorized' as const, detail: `CBS put-token answered ${event.status} ${event.description}` } } : {},
    ),
    enterBackoff: assign(({ context }) => nextBackoff(context)),
    resetAttempts: assign({ attempt: 0 }),
    handleCommand: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SESSION.COMMAND') return;
      const read = readCommand(event.body, event.enc, context.envelope);
      if (!read.ok) {
        enqueue.assign(countCommand(context, 'rejected', read.reason));
        enqueue.sendTo('session', settleCommand(event.deliveryId, 'rejected', true));
        return;
      }
      const command = read.command;
      if (command.cmd === 'led') context.deps.board.led.set(command.value);
      if (command.cmd === 'interval') enqueue.assign({ intervalMs: command.seconds * 1000 });
      enqueue.assign(countCommand(context, 'accepted', JSON.stringify(command)));
      enqueue.sendTo('session', settleCommand(event.deliveryId, 'accepted', true));
      if (command.cmd === 'interval') enqueue.raise({ type: 'INTERVAL.CHANGED' });
      if (command.cmd === 'reboot') enqueue.raise({ type: 'REBOOT' });
    }),
    // Busy (rebooting, closing, not yet online): hand the command back undelivered-here. No new
    // credit, or the hub would redeliver it at once in a loop until the board is ready.
    releaseCommand: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SESSION.COMMAND') return;
      enqueue.assign(countCommand(context, 'released', 'busy'));
      enqueue.sendTo('session', settleCommand(event.deliveryId, 'released', false));
    }),
  },
}).createMachine({
  id: 'firmware',
  context: ({ input }) => initialContext(input),
  initial: 'running',
  states: {
    running: {
      type: 'parallel',
      invoke: { src: 'buttons', input: ({ context }) => ({ board: context.deps.board }) },
      on: {
        SHUTDOWN: '#stopped',
        BUTTON: { actions: ['queueAlert', 'announceOutbox'] },
      },
      states: {
        sampler: {
          initial: 'waiting',
          states: {
            waiting: {
              after: { sampleInterval: { target: 'waiting', reenter: true, actions: ['queueReading', 'announceOutbox'] } },
              on: { 'INTERVAL.CHANGED': { target: 'waiting', reenter: true } },
            },
          },
        },
        connection: {
          initial: 'boot',
          states: {
            boot: { id: 'boot', entry: 'startBoot', after: { bootTime: 'session' } },
            session: {
              invoke: {
                id: 'session',
                src: 'session',
                input: ({ context }): SessionInput & { transport: FirmwareContext['deps']['transport'] } => ({
                  deviceId: context.deviceId,
                  hostname: context.hubHostName,
                  maxFrameSize: context.deps.board.profile.maxFrameSize,
                  idleTimeoutMs: context.timing.idleTimeoutMs,
                  transport: context.deps.transport,
                }),
              },
              exit: 'requeueInFlight',
              initial: 'linkUp',
              on: {
                'SESSION.FAILED': { target: 'backoff', actions: 'noteFailure' },
                'SESSION.OUTCOME': { actions: ['applyOutcome', 'announceOutbox'] },
                'SESSION.COMMAND': { actions: 'releaseCommand' },
                SHUTDOWN: '.closing',
              },
              states: {
                linkUp: {
                  on: { 'SESSION.LINK_UP': 'connecting' },
                  after: { stepTimeout: { target: '#backoff', actions: { type: 'noteTimeout', params: { step: 'link up' } } } },
                },
                connecting: {
                  on: { 'SESSION.OPENED': 'cbs' },
                  after: { stepTimeout: { target: '#backoff', actions: { type: 'noteTimeout', params: { step: 'AMQP open' } } } },
                },
                cbs: {
                  entry: 'putToken',
                  on: { 'SESSION.CBS': [{ guard: 'tokenAccepted', target: 'attaching', actions: 'noteToken' }, { target: '#backoff', actions: 'noteUnauthorized' }] },
                  after: { stepTimeout: { target: '#backoff', actions: { type: 'noteTimeout', params: { step: 'CBS put-token' } } } },
                },
                attaching: {
                  entry: 'attachLinks',
                  on: { 'SESSION.ATTACHED': 'online' },
                  after: { stepTimeout: { target: '#backoff', actions: { type: 'noteTimeout', params: { step: 'attach' } } } },
                },
                online: {
                  entry: ['resetAttempts', 'flushOutbox'],
                  on: {
                    'OUTBOX.CHANGED': { actions: 'flushOutbox' },
                    'SESSION.COMMAND': { actions: 'handleCommand' },
                    REBOOT: 'rebooting',
                  },
                  initial: 'tokenValid',
                  states: {
                    tokenValid: { after: { tokenRenewal: 'renewing' } },
                    renewing: {
                      entry: 'putToken',
                      on: { 'SESSION.CBS': [{ guard: 'tokenAccepted', target: 'tokenValid', actions: 'noteToken' }, { target: '#backoff', actions: 'noteUnauthorized' }] },
                      after: { stepTimeout: { target: '#backoff', actions: { type: 'noteTimeout', params: { step: 'CBS token renewal' } } } },
                    },
                  },
                },
                rebooting: { after: { rebootTime: '#boot' } },
                closing: {
                  entry: 'closeSession',
                  on: { 'SESSION.CLOSED': '#stopped', 'SESSION.FAILED': '#stopped' },
                  after: { closeTimeout: '#stopped' },
                },
              },
            },
            backoff: { id: 'backoff', entry: 'enterBackoff', after: { backoff: 'session' } },
          },
        },
      },
    },
    stopped: { id: 'stopped', type: 'final' },
  },
});
