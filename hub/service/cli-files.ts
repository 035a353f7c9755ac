// The files `fogbridge monitor` reads and writes: the keys file (--keys) and the checkpoint
// (--checkpoint). Only CLI modules touch files (DESIGN.md).
//
// Keys file, any of:
//   { "<deviceId>": { "cipher": "xtea-cbc-cts", "key": "<hex>" }, ... }   (cipher optional: `enc` names it)
//   { "<deviceId>": "<hex>", ... }
//   { "devices": [ { "deviceId": "a", "envelopeKey": "<hex>", "cipher"?: "…" } ] }  (a device-emulator fleet file)
// Checkpoint: { "endpoint": "sb://host[:port]/<entity>", "consumerGroup": "$Default",
//   "partitions": { "<id>": <last sequence number printed> } }, replaced atomically (write a
//   temporary file, fsync, rename), so a crash leaves the old or the new one, never half of one.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { ENVELOPE_NAMES, isEnvelopeName } from '../../protocol/envelope.js';
import type { EnvelopeKey } from './body-view.js';
import { UsageError } from './cli-common.js';

function readJson(option: string, path: string, missingOk: boolean): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (missingOk && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`--${option} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${option} ${path} is not JSON: ${(error as Error).message}`);
  }
}

export function readKeys(path: string): Map<string, EnvelopeKey> {
  const json = readJson('keys', path, false);
  const bad = (what: string): never => {
    throw new UsageError(`--keys ${path}: ${what}; expected { "<deviceId>": { "cipher": "xtea-cbc-cts", "key": "<hex>" } }`);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) return bad('not a JSON object');
  const entries: [string, unknown][] = Array.isArray((json as { devices?: unknown }).devices)
    ? ((json as { devices: Record<string, unknown>[] }).devices.map((d) => [String(d.deviceId), { cipher: d.cipher, key: d.envelopeKey }]))
    : Object.entries(json);
  const keys = new Map<string, EnvelopeKey>();
  for (const [deviceId, value] of entries) {
    const v = typeof value === 'string' ? { key: value } : (value as { cipher?: unknown; key?: unknown });
    if (typeof v?.key !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(v.key)) bad(`the key of '${deviceId}' is not hex`);
    if (v.cipher !== undefined && !(typeof v.cipher === 'string' && isEnvelopeName(v.cipher))) bad(`the cipher of '${deviceId}' is not one of ${ENVELOPE_NAMES.join(', ')}`);
    keys.set(deviceId, { key: v.key as string, ...(v.cipher === undefined ? {} : { cipher: v.cipher as EnvelopeKey['cipher'] & string }) });
  }
  return keys;
}

export interface Checkpoint {
  endpoint: string;
  consumerGroup: string;
  partitions: Record<string, number>;
}

/** The checkpoint in `path`, or an empty one when the file does not exist yet. */
export function readCheckpoint(path: string, endpoint: string, consumerGroup: string): Checkpoint {
  const json = readJson('checkpoint', path, true) as Partial<Checkpoint> | undefined;
  if (json === undefined) return { endpoint, consumerGroup, partitions: {} };
  const partitions = json.partitions;
  if (!partitions || typeof partitions !== 'object' || Object.values(partitions).some((n) => !Number.isSafeInteger(n))) {
    throw new UsageError(`--checkpoint ${path} is not a fogbridge checkpoint (no "partitions" map of sequence numbers)`);
  }
  if (json.endpoint !== endpoint || json.consumerGroup?.toLowerCase() !== consumerGroup.toLowerCase()) {
    throw new UsageError(`--checkpoint ${path} belongs to ${String(json.endpoint)} consumer group ${String(json.consumerGroup)}, not ${endpoint} ${consumerGroup}: use another file`);
  }
  return { endpoint, consumerGroup, partitions: { ...partitions } };
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, `${JSON.stringify(checkpoint, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
