// Real fogbridge processes for system tests: the hub (`fogbridge hub --port 0`) and the gateway
// (`fogbridge gateway --config <file>`), spawned with `node --import tsx cli/index.ts`, awaited on
// their ready lines (no sleeps), and SIGKILLed by `kill()` or, as a last resort, when the test
// process exits. Every wait for a child's exit is bounded (exitWithin): a child that has not exited
// EXIT_TIMEOUT_MS after its signal is SIGKILLed and the wait rejects with its last output, so a
// hung child fails its test and the run goes on. Certificates are generated once per test process and copied into each hub's
// data folder (RSA key generation is the slow part of a hub's first start).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificates } from '../../hub/certs.js';
import { openDatabase } from '../../hub/store/database.js';
import { Registry } from '../../hub/store/registry.js';
import { registrySources } from '../../hub/sources.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'cli/index.ts');
/** The built CLI users run (`npm ci` builds it; benchmarks run `npm run build` first). */
const BUILT_CLI = join(ROOT, 'dist/cli/index.js');

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** How long a signalled child may take to exit before the test SIGKILLs it and fails. */
export const EXIT_TIMEOUT_MS = 20_000;
/** After the SIGKILL, how long to wait for the kernel to reap it (a child stuck in D state must not stall the run either). */
const REAP_MS = 5000;

/** The last `chars` characters of a child's output, for a failure message. */
export function lastOutput(out: string, chars = 4000): string {
  return out.length <= chars ? out : `...${out.slice(-chars)}`;
}

/**
 * Resolves with the exit code once `exited` settles, at most `timeoutMs` from now; past that the
 * child is killed with `forceKill()` (SIGKILL) and the promise rejects naming `what` with the
 * child's last output. Never an unbounded wait.
 */
export function exitWithin(exited: Promise<number | null>, o: { timeoutMs: number; what: string; output: () => string; forceKill: () => void }): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const fail = (): void => reject(new Error(`${o.what} did not exit within ${o.timeoutMs} ms (SIGKILLed); its last output:\n${lastOutput(o.output())}`));
    const timer = setTimeout(() => {
      timedOut = true;
      o.forceKill();
      const reaped = setTimeout(fail, REAP_MS);
      void exited.then(() => {
        clearTimeout(reaped);
        fail();
      });
    }, o.timeoutMs);
    void exited.then((code) => {
      if (timedOut) return;
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export interface Proc {
  readonly child: ChildProcess;
  /** Everything written so far to stdout and stderr. */
  readonly output: () => string;
  /** Resolves when `re` matches the output (or rejects when the process exits first / after timeoutMs). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /**
   * SIGKILL (default) or another signal; resolves with the exit code once the process has exited,
   * or SIGKILLs it and rejects with its last output after `timeoutMs` (EXIT_TIMEOUT_MS).
   */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** A child's output as it comes, its exit, and a bounded wait for a line: shared by every process helper. */
export function watchChild(child: ChildProcess, name: string): {
  output: () => string;
  exit: Promise<number | null>;
  waitFor: (re: RegExp, timeoutMs: number) => Promise<RegExpExecArray>;
} {
  let out = '';
  const watchers = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    out += chunk;
    for (const w of [...watchers]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    for (const w of [...watchers]) w();
    resolve(code);
  }));
  const waitFor = (re: RegExp, timeoutMs: number): Promise<RegExpExecArray> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${re} in:\n${out}`)), timeoutMs);
    const check = (): void => {
      const m = re.exec(out);
      if (m) return done(undefined, m);
      if (child.exitCode !== null || child.signalCode !== null) done(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${re}:\n${out}`));
    };
    const done = (error?: Error, m?: RegExpExecArray): void => {
      clearTimeout(timer);
      watchers.delete(check);
      if (error) reject(error);
      else resolve(m!);
    };
    watchers.add(check);
    check();
  });
  return { output: () => out, exit, waitFor };
}

/**
 * `fogbridge <args>` as a child process (`nodeArgs` go to node itself, e.g. --cpu-prof): the
 * TypeScript sources through tsx, or with `built` the compiled dist/ that users run (benchmarks:
 * tsx's loader alone adds ≈ 30 MB of RSS and its own CPU).
 */
export function fogbridge(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = [], built = false): Proc {
  const entry = built ? [BUILT_CLI] : ['--import', 'tsx', CLI];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  live.add(child);
  const { output, exit, waitFor } = watchChild(child, `fogbridge ${args[0]}`);
  void exit.then(() => live.delete(child));
  return {
    child,
    output,
    waitFor: (re, timeoutMs = 20_000) => waitFor(re, timeoutMs),
    async kill(signal = 'SIGKILL', timeoutMs = EXIT_TIMEOUT_MS) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exitWithin(exit, { timeoutMs, what: `fogbridge ${args[0]} (pid ${child.pid}, ${signal})`, output, forceKill: () => child.kill('SIGKILL') });
    },
  };
}

let certDir: string | undefined;

/** A fresh hub data folder holding this test process's one CA and server certificate (SAN localhost). */
export function hubDataDir(): string {
  if (certDir === undefined) {
    certDir = mkdtempSync(join(tmpdir(), 'fogbridge-sys-certs-'));
    ensureCertificates(certDir, 'localhost', Date.now());
  }
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-sys-hub-'));
  mkdirSync(join(dir, 'certs'));
  for (const f of ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem']) copyFileSync(join(certDir, f), join(dir, 'certs', f));
  return dir;
}

export interface HubProcess extends Proc {
  readonly dataDir: string;
  readonly port: number;
  readonly caFile: string;
  readonly caPem: string;
  /** The strings of `<data>/connection-strings.json`. */
  readonly strings: { service: string; eventHub: string; caFile: string };
  /** SIGTERM, wait, remove the data folder. */
  stop(): Promise<void>;
}

/** `fogbridge hub --data <dir> --port <port> --no-console`, resolved once it printed its strings. */
export async function startHubProcess(o: { dataDir?: string; port?: number } = {}): Promise<HubProcess> {
  const dataDir = o.dataDir ?? hubDataDir();
  const proc = fogbridge(['hub', '--data', dataDir, '--port', String(o.port ?? 0), '--no-console']);
  try {
    const m = await proc.waitFor(/listening on amqps:\/\/localhost:(\d+)/);
    await proc.waitFor(/^wrote .*connection-strings\.json$/m);
    const caFile = join(dataDir, 'certs', 'ca.pem');
    return {
      ...proc,
      dataDir,
      port: Number(m[1]),
      caFile,
      caPem: readFileSync(caFile, 'utf8'),
      strings: JSON.parse(readFileSync(join(dataDir, 'connection-strings.json'), 'utf8')),
      async stop() {
        await proc.kill('SIGTERM');
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await proc.kill();
    throw e;
  }
}

/**
 * Registers devices straight in the hub's SQLite file, in one transaction (the running hub reads
 * device rows fresh at each authentication): 1,000 devices take milliseconds, where a
 * `fogbridge hub device add` process per device takes minutes.
 */
export function registerDevices(dataDir: string, ids: readonly string[], primaryKey?: string): Map<string, string> {
  const db = openDatabase(join(dataDir, 'hub.sqlite'), 0);
  try {
    const registry = new Registry(db, registrySources(Date.now));
    const keys = new Map<string, string>();
    db.transaction(() => {
      for (const id of ids) keys.set(id, registry.addDevice(id, primaryKey === undefined ? undefined : { primaryKey }).primaryKey);
    })();
    return keys;
  } finally {
    db.close();
  }
}

export interface GatewayProcess extends Proc {
  /** Listener name -> port, from the `listening on host:port (name[, TLS])` lines. */
  readonly ports: Map<string, number>;
  readonly port: number;
  readonly dir: string;
}

/**
 * `fogbridge gateway --config <dir>/gw.conf` with `config` written there; resolves once every
 * listener is listening and, unless `waitForHub` is false, the connector `connector` is connected.
 */
export async function startGatewayProcess(config: string, o: { listeners?: number; connector?: string; waitForHub?: boolean; dir?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; built?: boolean } = {}): Promise<GatewayProcess> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'fogbridge-sys-gw-'));
  const file = join(dir, 'gw.conf');
  (await import('node:fs')).writeFileSync(file, config);
  const proc = fogbridge(['gateway', '--config', file], o.env, o.nodeArgs, o.built);
  try {
    const count = o.listeners ?? 1;
    const ports = new Map<string, number>();
    await proc.waitFor(new RegExp(`(SERVER \\(info\\) listening on [^\\n]*\\n[^]*){${count}}`));
    for (const m of proc.output().matchAll(/SERVER \(info\) listening on \S+:(\d+) \(([^,)]+)/g)) ports.set(m[2]!, Number(m[1]));
    if (o.waitForHub !== false) await proc.waitFor(new RegExp(`CONN_MGR \\(info\\) connector ${o.connector ?? 'HUB'}: connected`));
    return { ...proc, ports, port: [...ports.values()][0]!, dir };
  } catch (e) {
    await proc.kill();
    throw e;
  }
}
