// Many boards in one process: one firmware actor per board, each with its own board model (sensor
// seed derived from the fleet seed), its own jitter stream and transport. Reports every phase
// change and command through callbacks, and sums the fleet up for the CLI's live line.
import { createActor, type Actor } from 'xstate';
import { NetduinoPlus2 } from '../hardware/board/netduino.js';
import { systemScheduler, type Clock, type Scheduler } from '../hardware/clock.js';
import { deriveSeed, mulberry32 } from '../hardware/random.js';
import type { Transport } from '../hardware/transport/transport.js';
import type { EnvelopeName } from '../protocol/envelope.js';
import { firmwareMachine } from './machines/firmware.js';
import type { FirmwareContext, FirmwareTiming } from './machines/firmware-context.js';
import { firmwarePhase, type Phase } from './machines/phase.js';
import type { SendOutcome } from './session.js';

export interface FleetDevice {
  deviceId: string;
  /** SharedAccessKey (base64) for its SAS tokens. */
  deviceKey: string;
  envelopeKey: Uint8Array;
}

export interface FleetOptions {
  hubHostName: string;
  devices: FleetDevice[];
  envelope: EnvelopeName;
  transportFor: (deviceId: string) => Transport;
  intervalMs: number;
  seed: number;
  /** IV bytes (node:crypto randomBytes in the CLI, seeded in tests). */
  randomBytes: (n: number) => Uint8Array;
  /** Drives the machines' timers and the boards' clocks. Omitted: real time. */
  clock?: Scheduler;
  timing?: Partial<FirmwareTiming>;
  /** Boot times are spread uniformly over this many ms so a fleet does not connect in one burst. */
  spreadMs?: number;
  /** The machine to run (tests pass one with fakes provided). */
  machine?: typeof firmwareMachine;
  onTransition?: (deviceId: string, from: Phase, to: Phase, context: FirmwareContext) => void;
  onCommand?: (deviceId: string, command: NonNullable<FirmwareContext['lastCommand']>) => void;
  /** Every telemetry outcome a board gets (message id `<deviceId>:<boot>:<seq>`): what the hub acknowledged. */
  onOutcome?: (deviceId: string, messageId: string, outcome: SendOutcome) => void;
}

export interface FleetSummary {
  devices: number;
  online: number;
  phases: Partial<Record<Phase, number>>;
  sent: number;
  accepted: number;
  rejected: number;
  outboxDepth: number;
  dropped: number;
  reconnects: number;
  commands: { accepted: number; rejected: number; released: number };
}

export interface FleetBoard {
  deviceId: string;
  board: NetduinoPlus2;
  actor: Actor<typeof firmwareMachine>;
}

export class Fleet {
  readonly boards: FleetBoard[];

  constructor(o: FleetOptions) {
    const clock: Clock = o.clock ?? systemScheduler;
    const spread = mulberry32(deriveSeed(o.seed, 0xb007));
    this.boards = o.devices.map((d, i) => {
      const board = new NetduinoPlus2({ clock, seed: deriveSeed(o.seed, i + 1) });
      const jitter = mulberry32(deriveSeed(o.seed, 100_000 + i));
      const bootMs = (o.timing?.bootMs ?? 250) + Math.floor(spread.next() * (o.spreadMs ?? 0));
      const onOutcome = o.onOutcome;
      const actor = createActor(o.machine ?? firmwareMachine, {
        ...(o.clock ? { clock: o.clock } : {}),
        // Only the machine receives SESSION.OUTCOME (its session actor sends it), so the event type
        // alone picks the outcomes out of the inspection stream.
        ...(onOutcome
          ? {
              inspect: (e: { type: string; event?: { type: string; id?: string; outcome?: SendOutcome } }) => {
                if (e.type === '@xstate.event' && e.event?.type === 'SESSION.OUTCOME') onOutcome(d.deviceId, e.event.id!, e.event.outcome!);
              },
            }
          : {}),
        input: {
          deviceId: d.deviceId,
          hubHostName: o.hubHostName,
          deviceKey: d.deviceKey,
          envelope: { name: o.envelope, key: d.envelopeKey },
          intervalMs: o.intervalMs,
          timing: { ...o.timing, bootMs },
          deps: { board, transport: o.transportFor(d.deviceId), randomBytes: o.randomBytes, random: () => jitter.next() },
        },
      });
      let phase = firmwarePhase(actor.getSnapshot());
      let command = actor.getSnapshot().context.stats.commands;
      actor.subscribe((snapshot) => {
        const next = firmwarePhase(snapshot);
        if (next !== phase) o.onTransition?.(d.deviceId, phase, next, snapshot.context);
        phase = next;
        if (snapshot.context.stats.commands !== command && snapshot.context.lastCommand) o.onCommand?.(d.deviceId, snapshot.context.lastCommand);
        command = snapshot.context.stats.commands;
      });
      return { deviceId: d.deviceId, board, actor };
    });
  }

  start(): void {
    for (const b of this.boards) b.actor.start();
  }

  summary(): FleetSummary {
    const s: FleetSummary = {
      devices: this.boards.length, online: 0, phases: {}, sent: 0, accepted: 0, rejected: 0, outboxDepth: 0, dropped: 0, reconnects: 0,
      commands: { accepted: 0, rejected: 0, released: 0 },
    };
    for (const { actor } of this.boards) {
      const snapshot = actor.getSnapshot();
      const phase = firmwarePhase(snapshot);
      const { outbox, stats } = snapshot.context;
      s.phases[phase] = (s.phases[phase] ?? 0) + 1;
      if (phase === 'online' || phase === 'renewing') s.online += 1;
      s.sent += outbox.stats.sent;
      s.accepted += outbox.stats.accepted;
      s.rejected += outbox.stats.rejected;
      s.outboxDepth += outbox.entries.length;
      s.dropped += outbox.stats.dropped;
      s.reconnects += stats.reconnects;
      for (const k of ['accepted', 'rejected', 'released'] as const) s.commands[k] += stats.commands[k];
    }
    return s;
  }

  /** Clean shutdown: every board releases held commands, closes its links and connection, and stops. */
  async stop(): Promise<FleetSummary> {
    await Promise.all(
      this.boards.map(
        ({ actor }) =>
          new Promise<void>((resolve) => {
            if (actor.getSnapshot().status !== 'active') return resolve();
            actor.subscribe({ complete: resolve, error: () => resolve() });
            actor.send({ type: 'SHUTDOWN' });
          }),
      ),
    );
    return this.summary();
  }
}
