// `fogbridge device` with `--register --hub-data <dir>`: puts the boards (one, a --count fleet or a
// --fleet-file) in a local hub's registry with the keys they will sign with, then runs them. Lives in
// cli/ because device-emulator/ may not import hub/ (DESIGN.md): this is the one place that joins
// the emulator's plan to the hub's registry. Everything else goes to device-emulator/cli.ts as is.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main as deviceMain, USAGE } from '../device-emulator/cli.js';
import { planFromArgs, UsageError } from '../device-emulator/cli-options.js';
import type { FleetDevice } from '../device-emulator/fleet.js';
import { registrySources } from '../hub/sources.js';
import { openDatabase } from '../hub/store/database.js';
import { Registry } from '../hub/store/registry.js';

export const REGISTER_USAGE = `
  --register                add the boards to a local hub's registry first (same ids, the keys they sign with;
                            boards already there with that key are kept), in one transaction
  --hub-data <dir>          that hub's data folder (default ./data), running or not
`;

/** Adds each device (its SharedAccessKey as primary key) in one transaction; returns how many were new. */
export function registerBoards(dataDir: string, devices: readonly FleetDevice[], now: () => number = Date.now): { added: number; kept: number } {
  mkdirSync(resolve(dataDir), { recursive: true });
  const db = openDatabase(join(resolve(dataDir), 'hub.sqlite'), 0);
  try {
    const registry = new Registry(db, registrySources(now));
    let added = 0;
    db.transaction(() => {
      for (const d of devices) {
        const existing = registry.device(d.deviceId);
        if (existing && existing.primaryKey !== d.deviceKey && existing.secondaryKey !== d.deviceKey) {
          throw new UsageError(`--register: ${d.deviceId} is in the hub with another key (fogbridge hub device remove ${d.deviceId}, or leave out --register)`);
        }
        if (existing) continue;
        registry.addDevice(d.deviceId, { primaryKey: d.deviceKey });
        added += 1;
      }
    })();
    return { added, kept: devices.length - added };
  } finally {
    db.close();
  }
}

/** Splits our two options off argv; the rest is the emulator's. */
export function splitRegisterArgs(argv: readonly string[]): { register: boolean; hubData: string; rest: string[] } {
  const rest: string[] = [];
  let register = false;
  let hubData: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--register') register = true;
    else if (a === '--hub-data') {
      hubData = argv[++i];
      if (hubData === undefined) throw new UsageError('--hub-data needs a folder');
    } else if (a.startsWith('--hub-data=')) hubData = a.slice('--hub-data='.length);
    else rest.push(a);
  }
  if (hubData !== undefined && !register) throw new UsageError('--hub-data goes with --register');
  return { register, hubData: hubData ?? './data', rest };
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}${REGISTER_USAGE}`);
    return 0;
  }
  const usageError = (e: UsageError): number => {
    process.stderr.write(`fogbridge device: ${e.message}\nfogbridge device --help for usage\n`);
    return 2;
  };
  let split: ReturnType<typeof splitRegisterArgs>;
  try {
    split = splitRegisterArgs(argv);
  } catch (e) {
    return usageError(e as UsageError);
  }
  if (split.register) {
    let devices: FleetDevice[];
    try {
      devices = planFromArgs(split.rest, (path) => readFileSync(path, 'utf8')).devices;
    } catch {
      // Bad emulator options: the emulator words the error (and exits 2) from the same argv.
      return deviceMain(split.rest);
    }
    try {
      const { added, kept } = registerBoards(split.hubData, devices);
      process.stdout.write(`registered ${added} board(s) in ${resolve(split.hubData)}${kept ? ` (${kept} already there)` : ''}\n`);
    } catch (e) {
      if (e instanceof UsageError) return usageError(e);
      process.stderr.write(`fogbridge device: --register: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return deviceMain(split.rest);
}
