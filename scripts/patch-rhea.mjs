#!/usr/bin/env node
// Applies fogbridge's fixes to rhea 3.0.5's lib/session.js (the root `postinstall`).
// 1. Disposition batching (DESIGN decision 9): write_dispositions() merges consecutive settled
//    deliveries into one range and, while the range holds a single delivery, never compares
//    outcomes, so `reject, accept` reaches the sender as `rejected, rejected` and `accept, reject`
//    as `accepted, accepted`.
// 2. Begin after a local End: Session.on_begin() calls open() unconditionally, so a session the
//    application began and already ended before the peer's answering Begin arrived is begun again
//    (a second Begin on the channel) and later ended twice; the channel is freed while the peer
//    answers the phantom Begin, and rhea drops the connection with `Invalid value for remote
//    channel N` or `Begin already received` (AMQP 1.0 §2.5.5/§2.7.6 allow neither). The gateway hit
//    it on its pooled hub connections whenever a device left before the hub answered its session.
//    Fixed: open() only a session the application has not begun (peer-initiated) or still holds open.
// Idempotent: a patched file is left alone. Fails loudly when a line is found neither broken nor fixed (new rhea).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const PATCHES = [
  {
    what: 'disposition batching',
    broken: 'if ((first !== last && !message.are_outcomes_equivalent(last.state, delivery.state))',
    fixed: 'if ((delivery !== first && !message.are_outcomes_equivalent(last.state, delivery.state))',
  },
  {
    what: 'Begin answering a session already ended',
    broken: '        this.incoming.on_begin(frame.performative);\n        this.open();\n',
    fixed: '        this.incoming.on_begin(frame.performative);\n        if (!this.state.initialised || this.state.local_open) this.open();\n',
  },
];

const require = createRequire(import.meta.url);
let file;
try {
  file = join(dirname(require.resolve('rhea/package.json')), 'lib', 'session.js');
} catch {
  console.log('patch-rhea: rhea is not installed here; nothing to patch');
  process.exit(0);
}
const original = readFileSync(file, 'utf8');
let source = original;
const missing = [];
for (const p of PATCHES) {
  if (source.includes(p.fixed)) {
    console.log(`patch-rhea: ${p.what}: ${file} already patched`);
  } else if (source.includes(p.broken)) {
    source = source.replace(p.broken, p.fixed);
    console.log(`patch-rhea: patched ${p.what} in ${file}`);
  } else {
    missing.push(p.what);
  }
}
if (missing.length) {
  const { version } = require('rhea/package.json');
  console.error(
    `patch-rhea: FAILED: the line to patch was not found in ${file} (rhea ${version}) for: ${missing.join(', ')}.\n` +
      `  fogbridge needs these fixes (see scripts/patch-rhea.mjs and README "rhea is patched at install").\n` +
      `  Check whether this rhea version fixed them and update scripts/patch-rhea.mjs.`,
  );
  process.exit(1);
}
if (source !== original) writeFileSync(file, source);
