// `fogbridge device` options: argv in, a checked plan out (which boards, with which keys, over
// which transport), or a UsageError naming the offending option. Pure apart from the fleet file
// text, which cli.ts reads and passes in.
import { parseArgs } from 'node:util';
import { parseIotHubConnectionString } from '../protocol/connection-string.js';
import { isValidDeviceId } from '../protocol/address.js';
import { DEFAULT_ENVELOPE, ENVELOPE_NAMES, isEnvelopeName, parseKey, type EnvelopeName } from '../protocol/envelope.js';
import { deriveDeviceKey, deriveEnvelopeKey, fleetDeviceIds } from './keys.js';
import type { FleetDevice } from './fleet.js';

export class UsageError extends Error {}

export type Target = { kind: 'tcp'; host: string; port: number } | { kind: 'serial'; path: string; baud: number };

export interface DevicePlan {
  hubHostName: string;
  devices: FleetDevice[];
  envelope: EnvelopeName;
  /** Whether the envelope keys were derived (the CLI prints them so a hub can be told). */
  derivedEnvelopeKeys: boolean;
  target: Target;
  intervalMs: number;
  seed: number;
  help: boolean;
}

export const DEFAULT_AMQP_PORT = 5672;

export function readArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'connection-string': { type: 'string' },
      gateway: { type: 'string' },
      serial: { type: 'string' },
      baud: { type: 'string' },
      key: { type: 'string' },
      cipher: { type: 'string' },
      interval: { type: 'string' },
      count: { type: 'string' },
      'fleet-file': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

function whole(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} is a whole number ${min}..${max}, got '${text}'`);
  return Number(text);
}

function hostPort(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new UsageError(`--gateway is host[:port], got '${text}'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] === undefined ? DEFAULT_AMQP_PORT : whole('gateway port', m[2], 0, 1, 65535) };
}

/** A fleet file: `{"devices":[{"deviceId":"a","key":"<base64>","envelopeKey":"<hex>"}]}` or just the array. */
export function parseFleetFile(text: string, envelope: EnvelopeName, sharedEnvelopeKey?: Uint8Array): FleetDevice[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--fleet-file is not JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { devices?: unknown })?.devices;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError('--fleet-file needs a non-empty "devices" array');
  return list.map((d: unknown, i) => {
    const { deviceId, key, envelopeKey } = (d ?? {}) as Record<string, unknown>;
    if (typeof deviceId !== 'string' || !isValidDeviceId(deviceId)) throw new UsageError(`--fleet-file devices[${i}].deviceId is missing or not a valid device id`);
    if (typeof key !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) throw new UsageError(`--fleet-file devices[${i}].key must be the device's base64 SharedAccessKey`);
    if (envelopeKey !== undefined && typeof envelopeKey !== 'string') throw new UsageError(`--fleet-file devices[${i}].envelopeKey must be hex`);
    const envKey = envelopeKey !== undefined ? parseKey(envelopeKey, envelope) : (sharedEnvelopeKey ?? deriveEnvelopeKey(key, envelope));
    return { deviceId, deviceKey: key, envelopeKey: envKey };
  });
}

export function planFromArgs(argv: string[], readFleetFile: (path: string) => string): DevicePlan {
  const v = readArgs(argv);
  const help = v.help === true;
  if (help) return { help } as DevicePlan;
  if (v['connection-string'] === undefined) throw new UsageError('--connection-string is required');
  const cs = parseIotHubConnectionString(v['connection-string']);
  if (cs.sharedAccessKey === undefined) throw new UsageError('the connection string needs a SharedAccessKey (the board signs its own SAS tokens)');
  const envelope = v.cipher ?? DEFAULT_ENVELOPE;
  if (!isEnvelopeName(envelope)) throw new UsageError(`--cipher is one of ${ENVELOPE_NAMES.join(', ')}, got '${envelope}'`);
  const sharedKey = v.key === undefined ? undefined : parseKey(v.key, envelope);
  if (v.count !== undefined && v['fleet-file'] !== undefined) throw new UsageError('give --count or --fleet-file, not both');
  let devices: FleetDevice[];
  if (v['fleet-file'] !== undefined) devices = parseFleetFile(readFleetFile(v['fleet-file']), envelope, sharedKey);
  else if (v.count !== undefined) {
    const count = whole('count', v.count, 1, 1, 100_000);
    const groupKey = cs.sharedAccessKey;
    devices = fleetDeviceIds(cs.deviceId ?? 'device', count).map((deviceId) => {
      const deviceKey = deriveDeviceKey(groupKey, deviceId);
      return { deviceId, deviceKey, envelopeKey: sharedKey ?? deriveEnvelopeKey(deviceKey, envelope) };
    });
  } else {
    if (cs.deviceId === undefined) throw new UsageError('a single board needs a device connection string (with DeviceId); for a fleet add --count');
    devices = [{ deviceId: cs.deviceId, deviceKey: cs.sharedAccessKey, envelopeKey: sharedKey ?? deriveEnvelopeKey(cs.sharedAccessKey, envelope) }];
  }
  if (v.gateway !== undefined && v.serial !== undefined) throw new UsageError('give --gateway or --serial, not both');
  if (v.baud !== undefined && v.serial === undefined) throw new UsageError('--baud goes with --serial');
  let target: Target;
  if (v.serial !== undefined) {
    if (devices.length > 1) throw new UsageError('a serial port carries one board: --serial does not go with a fleet');
    target = { kind: 'serial', path: v.serial, baud: whole('baud', v.baud, 115_200, 300, 4_000_000) };
  } else {
    const fallback = { host: cs.gatewayHost ?? cs.host, port: DEFAULT_AMQP_PORT };
    target = { kind: 'tcp', ...(v.gateway === undefined ? fallback : hostPort(v.gateway)) };
  }
  return {
    help,
    hubHostName: cs.hostName,
    devices,
    envelope,
    derivedEnvelopeKeys: sharedKey === undefined && !(v['fleet-file'] !== undefined),
    target,
    intervalMs: whole('interval', v.interval, 5, 1, 86_400) * 1000,
    seed: whole('seed', v.seed, 1, 0, 2 ** 31),
  };
}
