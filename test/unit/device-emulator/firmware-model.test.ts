// Model-based paths (xstate/graph): the shortest path to every state of the firmware, computed from
// the machine itself, is replayed on a live actor (SimulatedClock, fake session) and must end in
// the phase the model says. Delayed transitions are events `xstate.after.<delay>.<state id>`; the
// replay turns them into clock increments of exactly that delay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getShortestPaths } from 'xstate/graph';
import { seal } from '../../../protocol/envelope.js';
import { firmwareMachine, type FirmwareEvent } from '../../../device-emulator/machines/firmware.js';
import { firmwarePhase, PHASES } from '../../../device-emulator/machines/phase.js';
import type { FirmwareContext } from '../../../device-emulator/machines/firmware-context.js';
import { ENVELOPE, harness } from './harness.js';

const reboot = seal('xtea-cbc-cts', ENVELOPE.key, new TextEncoder().encode('{"cmd":"reboot"}'), new Uint8Array(8));

const DOMAIN_EVENTS: FirmwareEvent[] = [
  { type: 'SESSION.LINK_UP', via: 'model' },
  { type: 'SESSION.OPENED' },
  { type: 'SESSION.CBS', status: 200, description: 'OK' },
  { type: 'SESSION.CBS', status: 401, description: 'Unauthorized' },
  { type: 'SESSION.ATTACHED' },
  { type: 'SESSION.FAILED', reason: 'routed-link-lost', detail: 'model' },
  { type: 'SESSION.CLOSED' },
  { type: 'SESSION.COMMAND', deliveryId: 1, body: reboot },
  { type: 'BUTTON', count: 1 },
  { type: 'SHUTDOWN' },
];

/** Every delayed transition of the machine, as the event XState raises for it. */
function afterEvents(): FirmwareEvent[] {
  const found = new Set<string>();
  const walk = (node: { after: { eventType: string }[]; states: Record<string, unknown> }): void => {
    for (const t of node.after) found.add(t.eventType);
    for (const child of Object.values(node.states)) walk(child as typeof node);
  };
  walk(firmwareMachine.root as unknown as Parameters<typeof walk>[0]);
  return [...found].map((type) => ({ type }) as unknown as FirmwareEvent);
}

function delayOf(eventType: string, c: FirmwareContext): number {
  const delay = eventType.split('.')[2];
  const table: Record<string, number> = {
    bootTime: c.timing.bootMs,
    stepTimeout: c.timing.stepTimeoutMs,
    tokenRenewal: c.timing.tokenRenewalMs,
    sampleInterval: c.intervalMs,
    backoff: c.backoffMs,
    rebootTime: c.timing.rebootMs,
    closeTimeout: c.timing.closeTimeoutMs,
  };
  if (table[delay!] === undefined) throw new Error(`unknown delay in ${eventType}`);
  return table[delay!]!;
}

function modelPaths() {
  const h = harness(); // only for a valid input (board, deps); the traversal itself is pure
  const input = { ...h.actor.getSnapshot().context, deps: h.context().deps } as never;
  const events = [...DOMAIN_EVENTS, ...afterEvents()];
  return getShortestPaths(firmwareMachine, {
    input,
    events,
    serializeState: (s) => firmwarePhase(s),
    serializeEvent: (e) => JSON.stringify({ ...e, body: undefined }),
  });
}

test('the model reaches every firmware phase, and backoff is reachable by a failure and by a 401', () => {
  const paths = modelPaths();
  const reached = new Set(paths.map((p) => firmwarePhase(p.state)));
  assert.equal([...reached].sort(), [...PHASES].sort());
  const toBackoff = paths.find((p) => firmwarePhase(p.state) === 'backoff')!;
  assert.ok(toBackoff.steps.length <= 4, 'a short way into backoff (boot, link-up, failure)');
});

test('every shortest path replayed on a live actor ends in the phase the model predicts', () => {
  const paths = modelPaths();
  assert.ok(paths.length >= PHASES.length);
  for (const path of paths) {
    const h = harness();
    const trail: string[] = [h.phase()];
    for (const step of path.steps.slice(1)) {
      const e = step.event as FirmwareEvent;
      if (e.type.startsWith('xstate.after.')) h.advance(delayOf(e.type, h.context()));
      else if (e.type.startsWith('SESSION.')) h.session.emit(e as Parameters<typeof h.session.emit>[0]);
      else h.actor.send(e);
      trail.push(h.phase());
      assert.is(h.phase(), firmwarePhase(step.state), `path ${trail.join(' -> ')} (event ${e.type})`);
    }
    assert.is(h.phase(), firmwarePhase(path.state));
  }
});

/** Replays a model path on a fresh live actor. */
function replay(path: ReturnType<typeof modelPaths>[number]) {
  const h = harness();
  for (const step of path.steps.slice(1)) {
    const e = step.event as FirmwareEvent;
    if (e.type.startsWith('xstate.after.')) h.advance(delayOf(e.type, h.context()));
    else if (e.type.startsWith('SESSION.')) h.session.emit(e as Parameters<typeof h.session.emit>[0]);
    else h.actor.send(e);
  }
  return h;
}

const SESSION_PHASES = ['link-up', 'connecting', 'cbs', 'attaching', 'online', 'renewing', 'rebooting'] as const;

test('from every phase with a live session, any failure leads to backoff and the session actor is stopped', () => {
  for (const path of modelPaths().filter((p) => (SESSION_PHASES as readonly string[]).includes(firmwarePhase(p.state)))) {
    const h = replay(path);
    const from = h.phase();
    const stops = h.session.stops;
    h.session.emit({ type: 'SESSION.FAILED', reason: 'link-lost', detail: 'model' });
    assert.is(h.phase(), 'backoff', `from ${from}`);
    assert.is(h.session.stops, stops + 1, `from ${from}`);
  }
});

test('from every phase, SHUTDOWN closes a live session first and otherwise stops at once', () => {
  for (const path of modelPaths()) {
    const h = replay(path);
    const from = h.phase();
    h.actor.send({ type: 'SHUTDOWN' });
    const expected = (SESSION_PHASES as readonly string[]).includes(from) || from === 'closing' ? 'closing' : 'stopped';
    assert.is(h.phase(), expected, `from ${from}`);
    if (expected === 'closing') {
      h.session.emit({ type: 'SESSION.FAILED', reason: 'transport-closed', detail: 'peer gone while closing' });
      assert.is(h.phase(), 'stopped', `closing after ${from}`);
    }
  }
});

test.run();
