// What `fogbridge device` prints: transition lines with the backoff reason, the progress bar and
// the live fleet summary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { finalLines, progressBar, summaryLine, transitionLine } from '../../../device-emulator/cli-display.js';
import type { FleetSummary } from '../../../device-emulator/fleet.js';
import { harness } from './harness.js';

const AT = Date.parse('2026-01-01T12:00:01Z');
const summary: FleetSummary = {
  devices: 10, online: 4, phases: { online: 4, backoff: 2, cbs: 4 }, sent: 120, accepted: 118, rejected: 1, outboxDepth: 3, dropped: 0, reconnects: 5,
  commands: { accepted: 2, rejected: 1, released: 0 },
};

test('a transition is one line: time, device, from -> to; backoff says why and how long', () => {
  const h = harness();
  assert.is(transitionLine(AT, 'dev1', 'connecting', 'cbs', h.context()), '12:00:01 dev1 connecting -> cbs');
  h.advance(250);
  h.session.emit({ type: 'SESSION.FAILED', reason: 'routed-link-lost', detail: 'qd:routed-link-lost: hub gone' });
  assert.is(transitionLine(AT, 'dev1', 'online', 'backoff', h.context()), '12:00:01 dev1 online -> backoff (routed-link-lost: qd:routed-link-lost: hub gone; retry 1 in 0.8 s)');
});

test('the progress bar counts online boards; the summary line has every counter', () => {
  assert.is(progressBar(summary, 10), 'connecting [####......] 4/10 online, 2 in backoff, 4 connecting');
  assert.is(summaryLine(summary), 'online 4/10 | sent 120 | accepted 118 | outbox 3 | dropped 0 | rejected 1 | reconnects 5 | commands 2/1/0 (acc/rej/rel)');
  assert.match(finalLines({ ...summary, dropped: 2 })[0]!, '2 reading(s) dropped from a full outbox');
});

test.run();
