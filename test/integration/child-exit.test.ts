// The system tests' bounded wait for a child's exit (test/helpers/processes.ts exitWithin): a child
// that ignores its SIGTERM is SIGKILLed when the wait times out, and the wait rejects with the
// child's last output, instead of stalling the run until the runner's 15-minute watchdog.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { exitWithin, lastOutput } from '../helpers/processes.js';

const STUBBORN = "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => undefined, 1000);";

function stubborn() {
  const child = spawn(process.execPath, ['-e', STUBBORN], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => void (out += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const up = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return { child, exited, up, output: () => out };
}

test('a child that ignores SIGTERM: SIGKILLed after the timeout, the wait rejects with its last output', async () => {
  const c = stubborn();
  await c.up;
  c.child.kill('SIGTERM');
  const started = Date.now();
  const error = await exitWithin(c.exited, { timeoutMs: 300, what: 'the stubborn child', output: c.output, forceKill: () => c.child.kill('SIGKILL') }).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(error, 'the wait rejects');
  assert.match(error!.message, /^the stubborn child did not exit within 300 ms \(SIGKILLed\); its last output:\nup\n/);
  assert.match(error!.message, /ignoring SIGTERM/);
  assert.is(c.child.signalCode, 'SIGKILL', 'the child was killed');
  assert.ok(Date.now() - started < 5000, 'bounded');
});

test('a child that exits in time: the wait resolves with its exit code', async () => {
  const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  assert.is(await exitWithin(exited, { timeoutMs: 10_000, what: 'child', output: () => '', forceKill: () => child.kill('SIGKILL') }), 3);
});

test('lastOutput keeps the end of a long output', () => {
  assert.is(lastOutput('abc', 10), 'abc');
  assert.is(lastOutput('0123456789', 4), '...6789');
});

test.run();
