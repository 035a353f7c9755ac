// The serial-attached board's line. With socat installed: a pty pair, a serial cable with no
// hardware (the gateway side on one pty, the board on the other, opened through serialport as a
// real port would be). Without socat: an in-memory line paced at 115200 baud (hardware/transport/
// memory.ts), a fresh one each time the board (re)opens it, like plugging the cable in again.
// Either way the board runs the reliable serial link (docs/serial-link.md) as initiator and the
// gateway side a responder (the gateway's serialListener on the pty; on the in-memory line one the
// demo makes) whose sessions become device connections of the gateway.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { serialLinkTransport } from '../../device-emulator/serial-link-transport.js';
import { systemScheduler } from '../../hardware/clock.js';
import { SerialLink } from '../../hardware/serial-link/link.js';
import { memoryPair } from '../../hardware/transport/memory.js';
import type { Transport } from '../../hardware/transport/transport.js';
import type { SerialMode } from './options.js';

export const SERIAL_BAUD = 115_200;

export type AcceptStream = (stream: Duplex, label: string) => void;

export interface SerialLine {
  mode: 'pty' | 'memory';
  /** One line for the user: which line, and why (socat missing). */
  description: string;
  /** The gateway side's pty (pty mode): the gateway's serialListener opens it. */
  gatewayDevice: string | undefined;
  /** The board's transport: the reliable serial link on its end of the line. */
  boardTransport: Transport;
  /** In-memory mode: hands each serial-link session of the gateway side to `accept`. */
  attach?(accept: AcceptStream): void;
  close(): Promise<void>;
}

export class SerialLineError extends Error {
  override readonly name = 'SerialLineError';
}

export async function openSerialLine(mode: SerialMode): Promise<SerialLine> {
  if (mode === 'memory') return memoryLine('an in-memory serial line (--serial memory)');
  const pair = await startSocat().catch((error: Error) => error);
  if (pair instanceof Error) {
    if (mode === 'pty') throw new SerialLineError(`--serial pty: ${pair.message}`);
    return memoryLine(`an in-memory serial line (${pair.message}; install socat for a pty pair: apt-get install socat)`);
  }
  return ptyLine(pair);
}

function linkOptions() {
  return { scheduler: systemScheduler, baud: SERIAL_BAUD };
}

function memoryLine(description: string): SerialLine {
  let accept: AcceptStream | undefined;
  let closed = false;
  /** The gateway side of each open line: its responder and its end of the pair. */
  const ends = new Map<SerialLink, Duplex>();
  const line: Transport = {
    describe: () => `memory line @${SERIAL_BAUD}`,
    open: async () => {
      if (closed) throw new SerialLineError('the in-memory serial line is closed');
      if (!accept) throw new SerialLineError('the gateway side of the in-memory line is not attached');
      const { a, b } = memoryPair({ baud: SERIAL_BAUD, scheduler: systemScheduler });
      const responder = new SerialLink(b, { role: 'responder', ...linkOptions() });
      ends.set(responder, b);
      const onStream = accept;
      responder.on('stream', (stream) => onStream(stream, 'serial (in-memory line)'));
      const drop = (): void => {
        if (!ends.delete(responder)) return;
        responder.detach();
      };
      b.once('end', drop);
      b.once('close', drop);
      return a;
    },
  };
  return {
    mode: 'memory',
    description: `${description} at ${SERIAL_BAUD} baud, reliable serial link`,
    gatewayDevice: undefined,
    boardTransport: serialLinkTransport(line, linkOptions()),
    attach: (a) => {
      accept = a;
    },
    close: async () => {
      // The cable is pulled: the board's end sees the line end at once (a link still opening stops
      // resending its open), and no board opens it again.
      closed = true;
      for (const [responder, b] of [...ends]) {
        ends.delete(responder);
        responder.detach();
        b.destroy();
      }
    },
  };
}

interface PtyPair {
  paths: [string, string];
  child: ChildProcess;
}

function startSocat(deadlineMs = 5000): Promise<PtyPair> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  // However this process ends (a crash included), socat must not outlive it.
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (message: string): void => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new SerialLineError(message));
    };
    const timer = setTimeout(() => fail(`socat printed no two pty paths within ${deadlineMs} ms: ${stderr.trim()}`), deadlineMs);
    child.once('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? 'socat is not installed' : `socat: ${error.message}`));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr += text;
      const paths = [...stderr.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
      if (paths.length >= 2 && stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve({ paths: [paths[0]!, paths[1]!], child });
      }
    });
  });
}

function ptyLine({ paths: [gatewaySide, boardSide], child }: PtyPair): SerialLine {
  const open = new Set<Duplex>();
  const board: Transport = {
    describe: () => `serial ${boardSide} @${SERIAL_BAUD}`,
    open: async () => {
      // serialport loads a native binding: only in pty mode.
      const port = await (await import('../../hardware/transport/serial.js')).serialTransport({ path: boardSide, baudRate: SERIAL_BAUD }).open();
      open.add(port);
      port.once('close', () => open.delete(port));
      return port;
    },
  };
  return {
    mode: 'pty',
    description: `a socat pty pair at ${SERIAL_BAUD} baud, reliable serial link: the gateway's serialListener on ${gatewaySide}, the board on ${boardSide}`,
    gatewayDevice: gatewaySide,
    boardTransport: serialLinkTransport(board, linkOptions()),
    close: async () => {
      // The board lets go of its port within the serial link's close grace (2 s); socat goes after.
      await Promise.all([...open].map((port) => new Promise((resolve) => {
        port.once('close', resolve);
        setTimeout(resolve, 3000).unref();
      })));
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
