#!/usr/bin/env node
// `npm test`: typecheck, then every uvu test (test/**/*.test.ts, TypeScript via tsx), then one
// closing line `N passed, N failed[, N skipped]`. Exits non-zero on any failure or when no test ran.
//
//   npm test                 everything
//   npm test -- serial       only test files whose path contains "serial" (typecheck still runs)
//   FOGBRIDGE_REQUIRE_ALL=1  a test that would skip for a missing tool (socat, chromium) fails instead
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const WATCHDOG_MS = 15 * 60_000;

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out.sort();
}

let failed = 0;
console.log('typecheck: tsc --noEmit');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  console.log('typecheck: FAILED');
  failed += 1;
} else console.log('typecheck: ok');

const files = findTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
const skipDir = mkdtempSync(join(tmpdir(), 'fogbridge-skips-'));
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/uvu-run.mjs'), ...files], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0', FOGBRIDGE_SKIP_DIR: skipDir },
});
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
const watchdog = setTimeout(() => {
  console.error(`\ntest run exceeded ${WATCHDOG_MS / 60_000} minutes: killing it`);
  child.kill('SIGKILL');
}, WATCHDOG_MS);
const code = await new Promise((done) => child.on('close', (c) => done(c ?? 1)));
clearTimeout(watchdog);

const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
const total = count('Total');
const ran = count('Passed');
// Tests that found a system tool missing record themselves here (see test/helpers/tools.ts);
// uvu counted them as passed.
const skipped = existsSync(skipDir) ? readdirSync(skipDir).map((f) => readFileSync(join(skipDir, f), 'utf8')) : [];
rmSync(skipDir, { recursive: true, force: true });
failed += Math.max(0, total - ran);
if (code !== 0 && total === ran) failed += 1; // crashed outside a test (import error, exit early)
const passed = ran - skipped.length;
if (skipped.length) {
  console.log('skipped (install the tool to run them):');
  for (const line of skipped) console.log(`  ${line.trim()}`);
}
if (total === 0) console.log('no test ran: that is a failure');
console.log(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
process.exit(failed > 0 || total === 0 ? 1 : 0);
