// docs/serial-link.md is what a firmware author implements: it must quote the same golden frames
// the codec is tested against, and state the same constants the code uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { CRC16 } from '../../../protocol/crc16.js';
import { CLOSE_REASONS, FRAME_LIMITS, FRAME_TYPES } from '../../../protocol/serial-frame.js';
import { SERIAL_LINK } from '../../../protocol/serial-link-params.js';
import { fixture } from './serial-fixtures.js';

const doc = readFileSync(new URL('../../../docs/serial-link.md', import.meta.url), 'utf8');
const hexByte = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

test('every golden and bad frame of the fixture is quoted in docs/serial-link.md', () => {
  const missing = [...fixture.frames, ...fixture.errors].filter((f) => !doc.includes(f.hex)).map((f) => f.description);
  assert.equal(missing, []);
});

test('the doc states the CRC parameters and check value the code uses', () => {
  assert.ok(doc.includes(CRC16.name));
  assert.ok(doc.includes(`0x${CRC16.check.toString(16).toUpperCase()}`));
  assert.ok(doc.includes(`poly | 0x${CRC16.poly.toString(16).padStart(4, '0')}`));
});

test('the doc lists every frame type and close reason with the code the codec uses', () => {
  for (const [name, code] of Object.entries(FRAME_TYPES)) assert.ok(doc.includes(`| \`${name}\` | 0x${hexByte(code)} |`), name);
  for (const [name, code] of Object.entries(CLOSE_REASONS)) assert.ok(doc.includes(`| \`${name}\` | 0x${hexByte(code)} |`), name);
});

test('the doc states the limits and timers of SERIAL_LINK and FRAME_LIMITS', () => {
  const stated = [
    `at most **${FRAME_LIMITS.maxWireLength} bytes**`,
    `| decoded frame (header + payload + CRC) | ${FRAME_LIMITS.minDecodedLength}..${FRAME_LIMITS.maxDecodedLength} bytes |`,
    `| ping / pong payload | 0..${FRAME_LIMITS.maxPingPayload} bytes |`,
    `| window | 1..${SERIAL_LINK.maxWindow} data frames in flight, default ${SERIAL_LINK.defaultWindow} |`,
    `| RTO (data, open, close resends) | ${SERIAL_LINK.rtoMs} ms |`,
    `| retries before the link is dead | ${SERIAL_LINK.maxRetries} (open: then every ${SERIAL_LINK.openRetryMs / 1000} s) |`,
    `| ack delay | ≤ ${SERIAL_LINK.ackDelayMs} ms |`,
    `| keepalive ping after idle send | ${SERIAL_LINK.keepaliveMs / 1000} s |`,
    `| dead after silent receive | ${SERIAL_LINK.deadMs / 1000} s |`,
    `up to ${SERIAL_LINK.closeRetries} times`,
  ];
  assert.equal(stated.filter((s) => !doc.includes(s)), []);
});

test.run();
