// hub/service without a hub: how the monitor shows a body (viewBody), the keys file formats it
// accepts, and the checkpoint file (atomic write, refusing one written for another endpoint).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKey, seal } from '../../../protocol/envelope.js';
import { viewBody } from '../../../hub/service/body-view.js';
import { readCheckpoint, readKeys, writeCheckpoint } from '../../../hub/service/cli-files.js';

const KEY = '000102030405060708090a0b0c0d0e0f';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const sealed = (name: 'xtea-cbc-cts' | 'tea-cbc', plain: string): Uint8Array => seal(name, parseKey(KEY, name), text(plain), new Uint8Array(8).fill(3));
const dir = mkdtempSync(join(tmpdir(), 'fogbridge-service-files-'));

test('a body with enc none, or no enc and no key, is shown as JSON, else text, else hex with a note', () => {
  assert.equal(viewBody(text('{"t":1}'), { enc: 'none' }, undefined), { body: { t: 1 } });
  assert.equal(viewBody(text('plain words'), {}, undefined), { body: 'plain words' });
  assert.equal(viewBody(Uint8Array.of(0xff, 0xfe), {}, undefined), { body: 'fffe', note: 'not UTF-8: body shown as hex' });
});

test('a sealed body is opened with the known key and its ciphertext kept; without a key it is hex with a note', () => {
  const body = sealed('xtea-cbc-cts', '{"temperature":20}');
  const view = viewBody(body, { enc: 'xtea-cbc-cts' }, { key: KEY }, 'b1');
  assert.equal(view.body, { temperature: 20 });
  assert.is(view.ciphertext, Buffer.from(body).toString('hex'));
  assert.equal(viewBody(body, { enc: 'xtea-cbc-cts' }, undefined, 'b1'), { body: Buffer.from(body).toString('hex'), note: 'no key for b1: body is the xtea-cbc-cts envelope in hex' });
  assert.equal(viewBody(body, {}, { cipher: 'xtea-cbc-cts', key: KEY }, 'b1').body, { temperature: 20 }, "no enc: the key's cipher");
});

test('a wrong key or an unknown envelope is said, never shown as plaintext', () => {
  const wrong = 'ffeeddccbbaa99887766554433221100';
  assert.match(String(viewBody(sealed('tea-cbc', '{"a":1}'), { enc: 'tea-cbc' }, { key: wrong }, 'b2').note), /cannot open the tea-cbc envelope with the key for b2/);
  const garbled = viewBody(sealed('xtea-cbc-cts', '{"temperature":20}'), { enc: 'xtea-cbc-cts' }, { key: wrong }, 'b2');
  assert.ok(garbled.note === undefined ? typeof garbled.body === 'string' : /wrong key\?/.test(garbled.note), 'garbage is never parsed as JSON');
  assert.match(String(viewBody(text('x'), { enc: 'rot13' }, { key: KEY }).note), /unknown envelope 'rot13'/);
});

test('the keys file may map ids to {cipher,key}, to a hex key, or be a device-emulator fleet file', () => {
  const file = (name: string, json: unknown): string => {
    writeFileSync(join(dir, name), JSON.stringify(json));
    return join(dir, name);
  };
  assert.equal([...readKeys(file('a.json', { b1: { cipher: 'tea-cbc', key: KEY }, b2: KEY }))], [['b1', { key: KEY, cipher: 'tea-cbc' }], ['b2', { key: KEY }]]);
  assert.equal([...readKeys(file('fleet.json', { devices: [{ deviceId: 'f-0001', key: 'c2Fz', envelopeKey: KEY }] }))], [['f-0001', { key: KEY }]]);
  assert.throws(() => readKeys(file('bad.json', { b1: { key: 'xyz' } })), /the key of 'b1' is not hex/);
  assert.throws(() => readKeys(file('cipher.json', { b1: { key: KEY, cipher: 'des' } })), /the cipher of 'b1' is not one of/);
  assert.throws(() => readKeys(join(dir, 'missing.json')), /--keys .*missing.json: cannot read it \(ENOENT\)/);
});

test('the checkpoint is replaced atomically, starts empty when missing, and refuses another endpoint', () => {
  const path = join(dir, 'cp.json');
  assert.equal(readCheckpoint(path, 'sb://h/e', '$Default').partitions, {});
  writeCheckpoint(path, { endpoint: 'sb://h/e', consumerGroup: '$Default', partitions: { 0: 5 } });
  assert.equal(readCheckpoint(path, 'sb://h/e', '$default').partitions, { 0: 5 }, 'consumer groups match case-insensitively');
  assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary file left');
  assert.throws(() => readCheckpoint(path, 'sb://other/e', '$Default'), /belongs to sb:\/\/h\/e consumer group \$Default, not sb:\/\/other\/e/);
  writeFileSync(path, '{"partitions":{"0":"x"}}');
  assert.throws(() => readCheckpoint(path, 'sb://h/e', '$Default'), /is not a fogbridge checkpoint/);
});

test.run();
