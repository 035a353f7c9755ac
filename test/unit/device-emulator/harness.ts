// A firmware machine on a SimulatedClock with a fake `session` actor: the test plays the wire by
// emitting SessionEvents and reads what the machine asked for in `commands`.
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { NetduinoPlus2 } from '../../../hardware/board/netduino.js';
import { mulberry32 } from '../../../hardware/random.js';
import { parseKey } from '../../../protocol/envelope.js';
import { firmwareMachine } from '../../../device-emulator/machines/firmware.js';
import type { FirmwareTiming } from '../../../device-emulator/machines/firmware-context.js';
import { firmwarePhase } from '../../../device-emulator/machines/phase.js';
import type { AmqpSessionInput } from '../../../device-emulator/amqp/session-actor.js';
import type { SessionCommand, SessionEvent } from '../../../device-emulator/session.js';

export const DEVICE_KEY = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';
export const ENVELOPE = { name: 'xtea-cbc-cts' as const, key: parseKey('000102030405060708090a0b0c0d0e0f', 'xtea-cbc-cts') };

export interface FakeSession {
  commands: SessionCommand[];
  starts: number;
  stops: number;
  input?: AmqpSessionInput;
  emit(event: SessionEvent): void;
  /** Commands of one type, in order. */
  sent<T extends SessionCommand['type']>(type: T): Extract<SessionCommand, { type: T }>[];
}

export function fakeSession(): FakeSession & { logic: ReturnType<typeof fromCallback<SessionCommand, AmqpSessionInput>> } {
  let sendBack: ((e: SessionEvent) => void) | undefined;
  const fake = {
    commands: [] as SessionCommand[],
    starts: 0,
    stops: 0,
    input: undefined as AmqpSessionInput | undefined,
    emit(event: SessionEvent) {
      if (!sendBack) throw new Error(`no session is running to emit ${event.type}`);
      sendBack(event);
    },
    sent<T extends SessionCommand['type']>(type: T) {
      return fake.commands.filter((c): c is Extract<SessionCommand, { type: T }> => c.type === type);
    },
    logic: fromCallback<SessionCommand, AmqpSessionInput>(({ input, sendBack: back, receive }) => {
      fake.starts += 1;
      fake.input = input;
      sendBack = back;
      receive((c) => fake.commands.push(c));
      return () => {
        fake.stops += 1;
        sendBack = undefined;
      };
    }),
  };
  return fake;
}

export function harness(options: { timing?: Partial<FirmwareTiming>; seed?: number } = {}) {
  const clock = new SimulatedClock();
  const board = new NetduinoPlus2({ clock, seed: options.seed ?? 7 });
  const session = fakeSession();
  const ivs = mulberry32(1);
  const machine = firmwareMachine.provide({ actors: { session: session.logic } });
  const actor = createActor(machine, {
    clock,
    input: {
      deviceId: 'dev1',
      hubHostName: 'myhub.azure-devices.net',
      deviceKey: DEVICE_KEY,
      envelope: ENVELOPE,
      intervalMs: 5_000,
      timing: options.timing,
      deps: {
        board,
        transport: { open: () => Promise.reject(new Error('fake session: no transport')), describe: () => 'fake' },
        randomBytes: (n) => Uint8Array.from({ length: n }, () => ivs.nextInt(256)),
        random: () => 0.5,
      },
    },
  });
  actor.start();
  const h = {
    clock,
    board,
    session,
    actor,
    phase: () => firmwarePhase(actor.getSnapshot()),
    context: () => actor.getSnapshot().context,
    advance: (ms: number) => clock.increment(ms),
    /** Boot and walk the session to online (put-token accepted, links attached). */
    toOnline() {
      if (h.phase() === 'boot') h.advance(h.context().timing.bootMs);
      if (h.phase() === 'backoff') h.advance(h.context().backoffMs);
      session.emit({ type: 'SESSION.LINK_UP', via: 'fake' });
      session.emit({ type: 'SESSION.OPENED' });
      session.emit({ type: 'SESSION.CBS', status: 200, description: 'OK' });
      session.emit({ type: 'SESSION.ATTACHED' });
    },
    acceptAll() {
      for (const { message } of session.sent('send')) session.emit({ type: 'SESSION.OUTCOME', id: message.id, outcome: 'accepted' });
    },
  };
  return h;
}
