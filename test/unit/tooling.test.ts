// The test runner's closing line and the CLI's front door: what CI and a new user see first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

test('npm test fails and says so when the filter selects no test file', () => {
  const result = run(['scripts/test.mjs', 'no-such-test-file-anywhere']);
  const lines = result.stdout.trim().split('\n');
  assert.is(result.status, 1);
  // The typecheck still runs (and may fail on its own); no test file ran either way.
  assert.match(lines.at(-1) ?? '', /^0 passed, \d+ failed$/);
  assert.ok(result.stdout.includes('no test ran'));
});

test('fogbridge --help lists the commands and exits 0', () => {
  const result = run(['--import', 'tsx', 'cli/index.ts', '--help']);
  assert.is(result.status, 0);
  assert.ok(result.stdout.includes('usage: fogbridge <command>'));
});

test('fogbridge with an unknown command names it and exits 2', () => {
  const result = run(['--import', 'tsx', 'cli/index.ts', 'frobnicate']);
  assert.is(result.status, 2);
  assert.match(result.stderr, /unknown command 'frobnicate'/);
});

test('fogbridge --version prints the package version', () => {
  const result = run(['--import', 'tsx', 'cli/index.ts', '--version']);
  assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test.run();
