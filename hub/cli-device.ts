// `fogbridge hub device ...`: the registry on disk (issue 3 item 2). Opens `<data>/hub.sqlite`
// directly, so it works whether or not the hub runs (SQLite WAL + busy timeout; the running hub
// reads device rows fresh at every authentication).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isValidDeviceId } from '../protocol/address.js';
import { parseIotHubConnectionString } from '../protocol/connection-string.js';
import { UsageError, wholeNumber, type HubCliIo } from './cli-args.js';
import { deviceConnectionString, type HubAddress } from './connection-strings.js';
import { registrySources } from './sources.js';
import { openDatabase } from './store/database.js';
import { Registry, RegistryError, type Device } from './store/registry.js';

interface DeviceValues {
  data: string;
  port: string;
  hostname: string;
  name: string;
  key?: string;
  'in-memory': boolean;
}

const BASE64_KEY = /^(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** HostName as the running hub printed it (connection-strings.json), else --hostname/--port. */
function hubAddress(dataDir: string, values: DeviceValues): HubAddress {
  const file = join(dataDir, 'connection-strings.json');
  if (existsSync(file)) {
    const written = JSON.parse(readFileSync(file, 'utf8')) as { service?: string };
    if (written.service) {
      const c = parseIotHubConnectionString(written.service);
      return { hostname: c.host, port: c.port ?? 5671, name: values.name };
    }
  }
  return { hostname: values.hostname, port: wholeNumber('port', values.port, 1, 65535), name: values.name };
}

function describe(d: Device): string {
  return `${d.id}\t${d.status}\tgeneration ${d.generationId}\tcreated ${new Date(d.createdAt).toISOString()}`;
}

export function deviceMain(args: string[], values: DeviceValues, io: HubCliIo): number {
  if (values['in-memory']) throw new UsageError('device commands change the registry in --data; --in-memory has none');
  const [command, id, ...extra] = args;
  if (extra.length > 0) throw new UsageError(`unexpected '${extra[0]}'`);
  const needsId = command !== 'list';
  if (needsId && id === undefined) throw new UsageError(`device ${command ?? '<command>'} needs a device id (fogbridge hub --help)`);
  if (!needsId && id !== undefined) throw new UsageError(`device list takes no id`);
  if (id !== undefined && !isValidDeviceId(id)) throw new UsageError(`'${id}' is not a valid device id (up to 128 letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ ')`);
  if (values.key !== undefined && command !== 'add') throw new UsageError('--key goes with device add');
  if (values.key !== undefined && !BASE64_KEY.test(values.key)) throw new UsageError('--key must be base64 of at least 16 bytes');
  const dataDir = resolve(values.data);
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'hub.sqlite'), 0);
  try {
    const registry = new Registry(db, registrySources(io.now));
    switch (command) {
      case 'add': {
        const device = registry.addDevice(id!, values.key === undefined ? undefined : { primaryKey: values.key });
        io.stdout(`${deviceConnectionString(hubAddress(dataDir, values), device)}\n`);
        return 0;
      }
      case 'list':
        for (const d of registry.devices()) io.stdout(`${describe(d)}\n`);
        return 0;
      case 'show': {
        const device = registry.device(id!);
        if (!device) throw new RegistryError('device-not-found', `device ${id} is not in the registry (fogbridge hub device list)`);
        io.stdout(`${describe(device)}\nconnection string: ${deviceConnectionString(hubAddress(dataDir, values), device)}\n`);
        return 0;
      }
      case 'remove':
        registry.removeDevice(id!);
        io.stdout(`removed ${id}\n`);
        return 0;
      case 'disable':
      case 'enable':
        io.stdout(`${describe(registry.setStatus(id!, command === 'enable' ? 'enabled' : 'disabled'))}\n`);
        return 0;
      default:
        throw new UsageError(`unknown device command '${command ?? ''}': add, list, show, remove, disable, enable`);
    }
  } catch (error) {
    if (error instanceof RegistryError) {
      io.stderr(`fogbridge hub device: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    db.close();
  }
}
