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

test('a command is opened with the board\'s own envelope; another enc, even none, is refused with a reason', () => {
  const json = new TextEncoder().encode('{"cmd":"led","value":"on"}');
  const own = seal('xtea-cbc-cts', envelope.key, json, new Uint8Array(8));
  assert.equal(readCommand(own, 'xtea-cbc-cts', envelope), { ok: true, command: { cmd: 'led', value: 'on' } });
  assert.equal(readCommand(own, undefined, envelope), { ok: true, command: { cmd: 'led', value: 'on' } }, 'absent enc = the board\'s envelope');
  const clear = readCommand(json, 'none', envelope);
  assert.equal(clear, { ok: false, reason: "sealed with 'none', but this board uses 'xtea-cbc-cts'" });
  const other = readCommand(seal('xxtea', envelope.key, json, new Uint8Array(8)), 'xxtea', envelope);
  assert.is(other.ok, false);
  const plainBoard = { name: 'none' as const, key: new Uint8Array(0) };
  assert.equal(readCommand(json, 'none', plainBoard), { ok: true, command: { cmd: 'led', value: 'on' } }, 'a board without encryption reads clear commands');
});

test('backoff: min(max, base·2^(n−1)), half fixed and half jitter', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  assert.equal([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, policy, () => 0)), [50, 100, 200, 400, 500, 500]);
  assert.equal([1, 2, 3].map((n) => backoffDelay(n, policy, () => 0.999999)), [100, 200, 400]);
});

test.run();
