// Shared by `fogbridge monitor` and `fogbridge command` (monitor-cli.ts, command-cli.ts): the
// injectable I/O, the usage error, reading --ca, and the one place that turns an error into a
// message and an exit code (2: fix the command line or connection string; 1: everything else).
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../../protocol/errors.js';
import { ServiceError } from './service-error.js';

export interface ServiceCliIo {
  /** Resolves once the text is flushed (the monitor checkpoints only what is out). */
  stdout(text: string): Promise<void>;
  stderr(text: string): void;
  now(): number;
  /** Resolves when the user asks to stop (SIGINT / SIGTERM). */
  stopRequested(): Promise<string>;
}

export const processIo = (): ServiceCliIo & { dispose(): void } => {
  const stops: (() => void)[] = [];
  const onSignal = (): void => stops.splice(0).forEach((stop) => stop());
  return {
    // The write callback runs once the text is handed to the OS: only then may a checkpoint name it.
    stdout: (text) => new Promise((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done()))),
    stderr: (text) => void process.stderr.write(text),
    now: () => Date.now(),
    stopRequested: () =>
      new Promise((done) => {
        process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
        stops.push(() => done('interrupted'));
      }),
    dispose: () => void process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal),
  };
};

export class UsageError extends Error {}

/** The PEM text of --ca, or undefined (Node's default roots). */
export function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--ca ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${path} is not a PEM certificate file`);
  return text;
}

export function wholeSeconds(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1) throw new UsageError(`--${option} must be a whole number of seconds >= 1, got '${text}'`);
  return Number(text);
}

/** Prints `error` for the user and returns the exit code. */
export function report(command: string, error: unknown, io: ServiceCliIo): number {
  const message = (error as Error).message ?? String(error);
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`fogbridge ${command}: ${message} (fogbridge ${command} --help)\n`);
    return 2;
  }
  if (error instanceof ProtocolError) {
    io.stderr(`fogbridge ${command}: ${message}\n`);
    return 2;
  }
  if (error instanceof ServiceError) {
    io.stderr(`fogbridge ${command}: ${error.code === 'unauthorized' ? 'unauthorized (401): ' : ''}${message}\n`);
    return 1;
  }
  io.stderr(`fogbridge ${command}: ${message}\n`);
  return 1;
}
