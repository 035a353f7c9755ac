#!/usr/bin/env node
// Applies the one-line fix to rhea 3.0.5's disposition batching (DESIGN decision 9).
// rhea's session.write_dispositions() merges consecutive settled deliveries into one range and,
// while the range holds a single delivery, never compares outcomes, so `reject, accept` reaches
// the sender as `rejected, rejected` and `accept, reject` as `accepted, accepted`.
// Idempotent: a patched file is left alone. Fails loudly when neither line is found (new rhea).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const BROKEN = 'if ((first !== last && !message.are_outcomes_equivalent(last.state, delivery.state))';
const FIXED = 'if ((delivery !== first && !message.are_outcomes_equivalent(last.state, delivery.state))';

const require = createRequire(import.meta.url);
let file;
try {
  file = join(dirname(require.resolve('rhea/package.json')), 'lib', 'session.js');
} catch {
  console.log('patch-rhea: rhea is not installed here; nothing to patch');
  process.exit(0);
}
const source = readFileSync(file, 'utf8');
if (source.includes(FIXED)) {
  console.log(`patch-rhea: ${file} already patched`);
} else if (source.includes(BROKEN)) {
  writeFileSync(file, source.replace(BROKEN, FIXED));
  console.log(`patch-rhea: patched disposition batching in ${file}`);
} else {
  const { version } = require('rhea/package.json');
  console.error(
    `patch-rhea: FAILED: the line to patch was not found in ${file} (rhea ${version}).\n` +
      `  fogbridge needs the disposition-batching fix (see reference/node-stack-notes.md).\n` +
      `  Check whether this rhea version fixed write_dispositions() and update scripts/patch-rhea.mjs.`,
  );
  process.exit(1);
}
