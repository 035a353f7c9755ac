#!/usr/bin/env node
// Applies fogbridge's fixes to rhea 3.0.5's lib/session.js, lib/link.js and lib/types.js (the root `postinstall`).
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
// 3. Attach after a local Detach: link.on_attach() has the same flaw; a link the application
//    attached and already detached before the peer's answering Attach arrived is attached again,
//    and when its session has ended meanwhile the peer drops the connection (`attach received on
//    invalid channel`). The gateway's routed link to the hub is detached when its device leaves,
//    often before the hub has answered. Same fix.
// 4. Frame encoding allocates a zero-filled 1 KB buffer outside Node's pool for every frame
//    (types.Writer: Buffer.alloc), the largest allocation of a routed message in the gateway's
//    profile (gateway/decisions/0005). A pooled Buffer.allocUnsafe is used instead: a Writer only
//    ever hands out the bytes it wrote (toBuffer slices to its position; skipped size fields are
//    filled in before that), so no uninitialised byte leaves it.
// Idempotent: a patched file is left alone. Fails loudly when a line is found neither broken nor fixed (new rhea).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const PATCHES = [
  {
    what: 'disposition batching',
    file: 'session.js',
    broken: 'if ((first !== last && !message.are_outcomes_equivalent(last.state, delivery.state))',
    fixed: 'if ((delivery !== first && !message.are_outcomes_equivalent(last.state, delivery.state))',
  },
  {
    what: 'Begin answering a session already ended',
    file: 'session.js',
    broken: '        this.incoming.on_begin(frame.performative);\n        this.open();\n',
    fixed: '        this.incoming.on_begin(frame.performative);\n        if (!this.state.initialised || this.state.local_open) this.open();\n',
  },
  {
    what: 'Attach answering a link already detached',
    file: 'link.js',
    broken: '        this.remote.attach = frame.performative;\n        this.open();\n',
    fixed: '        this.remote.attach = frame.performative;\n        if (!this.state.initialised || this.state.local_open) this.open();\n',
  },
  {
    what: 'pooled frame buffers',
    file: 'types.js',
    broken: '    this.buffer = buffer ? buffer : util.allocate_buffer(1024);\n',
    fixed: '    this.buffer = buffer ? buffer : Buffer.allocUnsafe(1024);\n',
  },
];

const require = createRequire(import.meta.url);
let lib;
try {
  lib = join(dirname(require.resolve('rhea/package.json')), 'lib');
} catch {
  console.log('patch-rhea: rhea is not installed here; nothing to patch');
  process.exit(0);
}
const missing = [];
for (const name of new Set(PATCHES.map((p) => p.file))) {
  const file = join(lib, name);
  const original = readFileSync(file, 'utf8');
  let source = original;
  for (const p of PATCHES.filter((q) => q.file === name)) {
    if (source.includes(p.fixed)) {
      console.log(`patch-rhea: ${p.what}: ${file} already patched`);
    } else if (source.includes(p.broken)) {
      source = source.replace(p.broken, p.fixed);
      console.log(`patch-rhea: patched ${p.what} in ${file}`);
    } else {
      missing.push(`${p.what} (${file})`);
    }
  }
  if (source !== original) writeFileSync(file, source);
}
if (missing.length) {
  const { version } = require('rhea/package.json');
  console.error(
    `patch-rhea: FAILED: the line to patch was not found in rhea ${version} for: ${missing.join(', ')}.\n` +
      `  fogbridge needs these fixes (see scripts/patch-rhea.mjs and README "rhea is patched at install").\n` +
      `  Check whether this rhea version fixed them and update scripts/patch-rhea.mjs.`,
  );
  process.exit(1);
}
