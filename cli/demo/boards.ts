// The demo's three Netduinos: registered in the hub on first start (the hub keeps their SAS keys
// in hub.sqlite, so a second start reuses them), envelope keys taken from the keys file when it
// names them, else derived from the device key (device-emulator/keys.ts); and the keys file the
// console and `fogbridge monitor --keys` read: { "<id>": { "cipher": "xtea-cbc-cts", "key": "<hex>" } }.
import type { FleetDevice } from '../../device-emulator/fleet.js';
import { deriveEnvelopeKey } from '../../device-emulator/keys.js';
import type { EnvelopeKey } from '../../hub/service/body-view.js';
import type { Registry } from '../../hub/store/registry.js';
import { DEFAULT_ENVELOPE, parseKey, type EnvelopeName } from '../../protocol/envelope.js';

export type BoardLink = 'tcp' | 'serial';

export const DEMO_BOARDS: readonly { deviceId: string; link: BoardLink }[] = [
  { deviceId: 'netduino-1', link: 'tcp' },
  { deviceId: 'netduino-2', link: 'tcp' },
  { deviceId: 'netduino-3', link: 'serial' },
];

export const DEMO_ENVELOPE: EnvelopeName = DEFAULT_ENVELOPE;

export interface DemoBoards {
  devices: FleetDevice[];
  /** Ids registered by this start (empty on a second start). */
  added: string[];
}

/** Registers the missing boards; keys from `known` (the keys file) win over derived ones. */
export function demoBoards(registry: Pick<Registry, 'device' | 'addDevice'>, known: ReadonlyMap<string, EnvelopeKey>): DemoBoards {
  const added: string[] = [];
  const devices = DEMO_BOARDS.map(({ deviceId }) => {
    let device = registry.device(deviceId);
    if (!device) {
      device = registry.addDevice(deviceId);
      added.push(deviceId);
    }
    const kept = known.get(deviceId);
    const envelopeKey = kept && (kept.cipher ?? DEMO_ENVELOPE) === DEMO_ENVELOPE && !added.includes(deviceId)
      ? parseKey(kept.key, DEMO_ENVELOPE)
      : deriveEnvelopeKey(device.primaryKey, DEMO_ENVELOPE);
    return { deviceId, deviceKey: device.primaryKey, envelopeKey };
  });
  return { devices, added };
}

/** The keys file's text for these devices (other entries of an existing file are kept). */
export function keysFileText(devices: readonly FleetDevice[], others: ReadonlyMap<string, EnvelopeKey> = new Map()): string {
  const json: Record<string, { cipher: string; key: string }> = {};
  for (const [id, k] of others) json[id] = { cipher: k.cipher ?? DEMO_ENVELOPE, key: k.key };
  for (const d of devices) json[d.deviceId] = { cipher: DEMO_ENVELOPE, key: Buffer.from(d.envelopeKey).toString('hex') };
  return `${JSON.stringify(json, null, 2)}\n`;
}
