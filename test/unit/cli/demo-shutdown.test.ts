// The demo's guarded stop (cli/demo/shutdown.ts) on a manual clock: the first signal starts the
// stop; its echo (the same Ctrl-C from the terminal and from npm) is ignored; any other signal
// during the stop exits at once with 130; a stop that outlives the watchdog exits 1 naming the
// stage that hung and what was still open; a finished stop disarms both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FORCED_EXIT_CODE, ShutdownGuard, WATCHDOG_EXIT_CODE } from '../../../cli/demo/shutdown.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function guard(handles: string[] = []) {
  const clock = new ManualClock(1_000_000);
  const warnings: string[] = [];
  const exits: number[] = [];
  const g = new ShutdownGuard(
    { now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (t) => clock.clearTimeout(t), warn: (t) => warnings.push(t), exit: (c) => exits.push(c), openHandles: () => handles },
    { watchdogMs: 15_000, repeatMs: 2000 },
  );
  return { g, clock, warnings, exits };
}

test('the first signal starts the stop; the same signal again within 2 s is its echo', () => {
  const { g, clock, warnings, exits } = guard();
  assert.is(g.signal('SIGINT'), true);
  g.begin();
  clock.advance(500);
  assert.is(g.signal('SIGINT'), false);
  assert.equal([warnings, exits], [[], []]);
});

test('a second Ctrl-C during the stop exits at once with 130, naming the stage', () => {
  const { g, clock, warnings, exits } = guard();
  g.signal('SIGINT');
  g.begin();
  g.stage('the gateway');
  clock.advance(2500);
  g.signal('SIGINT');
  assert.equal(exits, [FORCED_EXIT_CODE]);
  assert.match(warnings[0]!, /SIGINT again while stopping the gateway: exiting now/);
});

test('a different signal during the stop exits at once, even within 2 s', () => {
  const { g, exits } = guard();
  g.signal('SIGTERM');
  g.begin();
  g.signal('SIGINT');
  assert.equal(exits, [FORCED_EXIT_CODE]);
});

test('the watchdog: a stop hung past 15 s exits 1, naming the stage and what is still open', () => {
  const { g, clock, warnings, exits } = guard(['Socket×2', 'Timeout']);
  g.signal('SIGTERM');
  g.begin();
  g.stage('the boards (closing their links)');
  clock.advance(14_999);
  assert.equal(exits, []);
  clock.advance(1);
  assert.equal(exits, [WATCHDOG_EXIT_CODE]);
  assert.match(warnings[0]!, /^shutdown watchdog: stopping the boards \(closing their links\) has not finished within 15 s; exiting with code 1 \(open: Socket×2, Timeout\)$/);
});

test('a finished stop disarms the watchdog and ignores later signals', () => {
  const { g, clock, exits, warnings } = guard();
  g.signal('SIGTERM');
  g.begin();
  g.stage('the hub');
  g.finish();
  clock.advance(60_000);
  g.signal('SIGINT');
  assert.equal([exits, warnings], [[], []]);
});

test.run();
