// A socat pty pair: two pseudo-terminals wired back to back, a serial cable with no hardware
// (reference/node-stack-notes.md). socat prints "N PTY is /dev/pts/K" for each end on stderr.
import { spawn } from 'node:child_process';

export interface PtyPair {
  paths: [string, string];
  stop(): Promise<void>;
}

export function startPtyPair(deadlineMs = 5000): Promise<PtyPair> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`socat printed no two pty paths within ${deadlineMs} ms: ${stderr}`));
    }, deadlineMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      const paths = [...stderr.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
      // "starting data transfer loop" comes after both ptys exist and socat is ready to copy.
      if (paths.length >= 2 && stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve({ paths: [paths[0]!, paths[1]!], stop });
      }
    });
  });
}
