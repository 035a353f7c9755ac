// Envelopes leave Node Buffers alone. rhea, SQLite and the Azure SDKs hand message bodies over as
// Buffers, whose `slice()` is a view, not a copy: open() used to decrypt the caller's body in place
// (xtea-cbc-cts: the last full block; tea-cbc / xtea-cbc: everything; xxtea: all but the nonce),
// so whoever looked at the message next (the hub's stored copy in memory, the next reader, a resend)
// saw other bytes. Found by the serial system test comparing a board's sealed bytes after decrypting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ENVELOPE_NAMES, open, seal } from '../../../protocol/envelope.js';
import { ivFor, keyFor } from './envelope-helpers.js';

const plain = Buffer.from('{"deviceId":"serial-emu-1","boot":1,"seq":3,"ts":1795698453902,"temperature":20.3,"light":362,"led":"off"}');

test('GIVEN a sealed body in a Node Buffer (also a view into a larger one) WHEN open() reads it THEN the Buffer is unchanged, for every envelope and length', () => {
  for (const name of ENVELOPE_NAMES) {
    for (const length of [plain.length, plain.length - 2, 8, 16]) {
      const body = seal(name, keyFor(name), plain.subarray(0, length), ivFor(name));
      const pool = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(body), Buffer.from([4])]);
      const view = pool.subarray(3, 3 + body.length);
      const before = Buffer.from(pool);
      assert.equal(Buffer.from(open(name, keyFor(name), view)), plain.subarray(0, length), `${name} ${length}`);
      assert.ok(pool.equals(before), `${name} ${length}: open() changed the caller's bytes`);
    }
  }
});

test('GIVEN a plaintext in a Node Buffer WHEN it is sealed THEN the Buffer is unchanged and the body shares no memory with it', () => {
  for (const name of ENVELOPE_NAMES) {
    const input = Buffer.from(plain);
    const body = seal(name, keyFor(name), input, ivFor(name));
    assert.ok(input.equals(plain), name);
    body.fill(0);
    assert.ok(input.equals(plain), `${name}: the body aliases the plaintext`);
  }
});

test.run();
