// `npm run bench:protocol`: seal / open throughput of every payload envelope on 256-byte telemetry,
// beside node:crypto AES-128-CBC (OpenSSL, PKCS#7, one cipher object per message like the
// envelopes) measured in the same run. Each row runs for about BUDGET_MS per direction; the whole
// run takes well under 30 s. MB/s counts plaintext bytes (1 MB = 10^6 bytes).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ENVELOPE_NAMES, ENVELOPES, ivLength, open, seal } from '../../protocol/envelope.js';

const MESSAGE = 256;
const BUDGET_MS = 400;

/** Runs `fn` in batches until BUDGET_MS has passed (after a short warm-up); returns messages per second. */
function rate(fn: () => void): number {
  for (let i = 0; i < 200; i++) fn();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < BUDGET_MS) {
    for (let i = 0; i < 100; i++) fn();
    count += 100;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

interface Row { name: string; seal: number; open: number }

function envelopeRow(name: (typeof ENVELOPE_NAMES)[number]): Row {
  const key = randomBytes(ENVELOPES[name].keyLength);
  const iv = randomBytes(ivLength(name));
  const plain = randomBytes(MESSAGE);
  const body = seal(name, key, plain, iv);
  return { name, seal: rate(() => seal(name, key, plain, iv)), open: rate(() => open(name, key, body)) };
}

function aesRow(): Row {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const plain = randomBytes(MESSAGE);
  const encrypt = () => {
    const c = createCipheriv('aes-128-cbc', key, iv);
    return Buffer.concat([iv, c.update(plain), c.final()]);
  };
  const body = encrypt();
  const decrypt = () => {
    const d = createDecipheriv('aes-128-cbc', key, body.subarray(0, 16));
    return Buffer.concat([d.update(body.subarray(16)), d.final()]);
  };
  return { name: 'node:crypto aes-128-cbc', seal: rate(encrypt), open: rate(decrypt) };
}

const rows = [...ENVELOPE_NAMES.map(envelopeRow), aesRow()];
const mbps = (perSecond: number) => ((perSecond * MESSAGE) / 1e6).toFixed(1);
const msgs = (perSecond: number) => Math.round(perSecond).toLocaleString('en-US');
const table = [
  ['envelope', 'seal msg/s', 'seal MB/s', 'open msg/s', 'open MB/s'],
  ...rows.map((r) => [r.name, msgs(r.seal), mbps(r.seal), msgs(r.open), mbps(r.open)]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
console.log(`${MESSAGE}-byte messages, node ${process.version}, ~${BUDGET_MS} ms per cell`);
for (const [i, row] of table.entries()) {
  console.log(`| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`);
  if (i === 0) console.log(`|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
}
