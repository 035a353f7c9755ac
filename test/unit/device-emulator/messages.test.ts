// Telemetry sealing and command reading, and the reconnect backoff formula.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { open, parseKey, seal } from '../../../protocol/envelope.js';
import { parseCommand, readCommand, readingMessage } from '../../../device-emulator/messages.js';
import { backoffDelay } from '../../../device-emulator/backoff.js';

const envelope = { name: 'xtea-cbc-cts' as const, key: parseKey('00112233445566778899aabbccddeeff', 'xtea-cbc-cts') };
const reading = { deviceId: 'd', boot: 1, seq: 9, ts: 1000, temperature: 21.5, light: 300, led: 'off' as const };

test('a reading becomes a sealed message with id <device>:<boot>:<seq>, enc set, IV from the injected source', () => {
  const m = readingMessage(reading, envelope, (n) => new Uint8Array(n).fill(7));
  assert.is(m.id, 'd:1:9');
  assert.equal(m.properties, { enc: 'xtea-cbc-cts' });
  assert.equal([...m.body.slice(0, 8)], [7, 7, 7, 7, 7, 7, 7, 7]);
  assert.equal(JSON.parse(new TextDecoder().decode(open('xtea-cbc-cts', envelope.key, m.body))), reading);
});

test('commands: every valid form parses, everything else is a reason, never a throw', () => {
  assert.equal(parseCommand({ cmd: 'led', value: 'blink' }), { ok: true, command: { cmd: 'led', value: 'blink' } });
  assert.equal(parseCommand({ cmd: 'interval', seconds: 60 }), { ok: true, command: { cmd: 'interval', seconds: 60 } });
  assert.equal(parseCommand({ cmd: 'reboot' }), { ok: true, command: { cmd: 'reboot' } });
  for (const bad of [null, [], 'led', { cmd: 'interval', seconds: 1.5 }, { cmd: 'interval', seconds: 86_401 }, { value: 'on' }]) {
    assert.is(parseCommand(bad).ok, false, JSON.stringify(bad));
  }
  assert.is(readCommand(new Uint8Array(20), 'xtea-cbc-cts', envelope).ok, false);
  assert.is(readCommand(new Uint8Array(0), undefined, envelope).ok, false);
});

test('a command sealed with another envelope is opened with the envelope its enc property names', () => {
  const key16 = envelope.key;
  const body = seal('xxtea', key16, new TextEncoder().encode('{"cmd":"led","value":"on"}'), new Uint8Array(8));
  assert.equal(readCommand(body, 'xxtea', envelope), { ok: true, command: { cmd: 'led', value: 'on' } });
  assert.is(readCommand(body, 'secretbox', envelope).ok, false, '16-byte key for a 32-byte envelope');
});

test('backoff: min(max, base·2^(n−1)), half fixed and half jitter', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  assert.equal([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, policy, () => 0)), [50, 100, 200, 400, 500, 500]);
  assert.equal([1, 2, 3].map((n) => backoffDelay(n, policy, () => 0.999999)), [100, 200, 400]);
});

test.run();
