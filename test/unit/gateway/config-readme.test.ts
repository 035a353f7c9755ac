// gateway/README.md is the config reference: it must name every entity, attribute, old name and
// ignored qdrouterd attribute the reader accepts (config/schema.ts), so the two cannot drift.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { SCHEMA } from '../../../gateway/config/schema.js';

const readme = readFileSync(new URL('../../../gateway/README.md', import.meta.url), 'utf8');

test('the README names every entity and attribute the config reader accepts, with its old names', () => {
  const missing: string[] = [];
  for (const [entity, spec] of Object.entries(SCHEMA)) {
    const names = [entity, ...Object.keys(spec.attributes), ...Object.keys(spec.aliases), ...spec.ignored];
    for (const name of names) if (!readme.includes(`\`${name}\``)) missing.push(`${entity}.${name}`);
  }
  assert.equal(missing, []);
});

test.run();
