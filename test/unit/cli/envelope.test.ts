// `fogbridge envelope` (cli/envelope.ts) with in-memory stdin / stdout / stderr.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main, type EnvelopeIo } from '../../../cli/envelope.js';

const KEY = '0102030405060708090a0b0c0d0e0f10';

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: EnvelopeIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stdin: async () => new TextEncoder().encode(stdin) };
  return { code: await main(argv, io), out, err };
}

test('encrypt with a fixed IV prints IV || the NETMF ciphertext of "Hello World!"; decrypt prints the text back', async () => {
  const sealed = await run(['encrypt', '--key', KEY, '--iv', '0102030405060708', 'Hello World!']);
  assert.equal(sealed, { code: 0, out: '01020304050607084ddbf99421c181c69aec6c5c\n', err: '' });
  const opened = await run(['decrypt', '--key', KEY, '01020304050607084ddbf99421c181c69aec6c5c']);
  assert.equal(opened, { code: 0, out: 'Hello World!\n', err: '' });
});

test('every cipher round-trips through stdin with a random IV, in text and hex formats', async () => {
  for (const cipher of ['xtea-cbc-cts', 'tea-cbc', 'xtea-cbc', 'xxtea', 'secretbox', 'none']) {
    const key = cipher === 'secretbox' ? KEY + KEY : cipher === 'none' ? '' : KEY;
    const sealed = await run(['encrypt', '--cipher', cipher, '--key', key], '{"t":21.5}');
    assert.is(sealed.code, 0, sealed.err);
    const opened = await run(['decrypt', '--cipher', cipher, '--key', key, '--format', 'hex'], sealed.out);
    assert.equal(opened, { code: 0, out: `${Buffer.from('{"t":21.5}').toString('hex')}\n`, err: '' }, cipher);
  }
});

test('usage mistakes exit 2 with a message naming the fix; a body that does not open exits 1', async () => {
  const cases: [string[], number, RegExp][] = [
    [['encrypt', '--key', KEY, '--cipher', 'aes', 'x'.repeat(8)], 2, /unknown --cipher 'aes': one of xtea-cbc-cts/],
    [['encrypt', '--key', '0102', 'hello world'], 2, /16-byte key \(32 hex digits\), got 2 bytes/],
    [['frobnicate'], 2, /encrypt or decrypt/],
    [['encrypt', '--bogus'], 2, /--bogus/],
    [['decrypt', '--key', KEY, 'zz'], 2, /the body must be hex/],
    [['decrypt', '--key', KEY, '--iv', '00', '00'], 2, /--iv is for encrypt/],
    [['encrypt', '--key', KEY, 'short'], 2, /at least 8 bytes/],
    [['decrypt', '--cipher', 'secretbox', '--key', KEY + KEY, '00'.repeat(48)], 1, /authentication failed/],
    [['decrypt', '--cipher', 'xtea-cbc', '--key', KEY, '00'.repeat(12)], 1, /truncated/],
  ];
  for (const [argv, code, message] of cases) {
    const r = await run(argv);
    assert.is(r.code, code, argv.join(' '));
    assert.match(r.err, message);
  }
});

test('--help prints the usage with every cipher and exits 0', async () => {
  const r = await run(['--help']);
  assert.is(r.code, 0);
  for (const name of ['xtea-cbc-cts', 'tea-cbc', 'xxtea', 'secretbox', 'none', "'enc'"]) assert.ok(r.out.includes(name), name);
});

test.run();
