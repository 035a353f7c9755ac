// The device and policy registry (issue 3 item 2; reference/iot-hub-amqp.md §3.3 policy table).
// Rows are read fresh on every call, never cached, so that `fogbridge hub device ...` run by
// another process is seen by a running hub at the next authentication.
import type { Db } from './database.js';

export type Right = 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect' | 'DeviceConnect';

/** The built-in shared access policies and their rights (§3.3). */
export const POLICY_RIGHTS = {
  iothubowner: ['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect'],
  service: ['ServiceConnect'],
  device: ['DeviceConnect'],
  registryRead: ['RegistryRead'],
  registryReadWrite: ['RegistryRead', 'RegistryWrite'],
} as const satisfies Record<string, readonly Right[]>;

export type DeviceStatus = 'enabled' | 'disabled';

export interface Device {
  id: string;
  primaryKey: string;
  secondaryKey: string;
  generationId: string;
  status: DeviceStatus;
  createdAt: number;
}

export interface Policy {
  name: string;
  primaryKey: string;
  secondaryKey: string;
  rights: Right[];
}

export class RegistryError extends Error {
  constructor(readonly code: 'device-exists' | 'device-not-found', message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

interface DeviceRow { id: string; primary_key: string; secondary_key: string; generation_id: string; status: DeviceStatus; created_at: number }
const toDevice = (r: DeviceRow): Device => ({
  id: r.id, primaryKey: r.primary_key, secondaryKey: r.secondary_key, generationId: r.generation_id, status: r.status, createdAt: r.created_at,
});

export interface RegistrySources {
  now(): number;
  /** A new symmetric key: base64 text of 32 random bytes. */
  newKey(): string;
  /** A new device generation id: 18 decimal digits, like IoT Hub's. */
  newGenerationId(): string;
}

export class Registry {
  constructor(private readonly db: Db, private readonly sources: RegistrySources) {
    const insert = db.prepare(`INSERT OR IGNORE INTO policies (name, primary_key, secondary_key, rights) VALUES (?, ?, ?, ?)`);
    db.transaction(() => {
      for (const [name, rights] of Object.entries(POLICY_RIGHTS)) insert.run(name, sources.newKey(), sources.newKey(), rights.join(','));
    })();
  }

  device(id: string): Device | undefined {
    const row = this.db.prepare(`SELECT * FROM devices WHERE id = ?`).get(id) as DeviceRow | undefined;
    return row && toDevice(row);
  }

  devices(): Device[] {
    return (this.db.prepare(`SELECT * FROM devices ORDER BY id`).all() as DeviceRow[]).map(toDevice);
  }

  /** The generation id tells a re-created device from the old one (§5.3 deviceGenerationId). */
  addDevice(id: string, keys?: { primaryKey?: string; secondaryKey?: string }): Device {
    const now = this.sources.now();
    const device: Device = {
      id,
      primaryKey: keys?.primaryKey ?? this.sources.newKey(),
      secondaryKey: keys?.secondaryKey ?? this.sources.newKey(),
      generationId: this.sources.newGenerationId(),
      status: 'enabled',
      createdAt: now,
    };
    const result = this.db
      .prepare(`INSERT OR IGNORE INTO devices (id, primary_key, secondary_key, generation_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(device.id, device.primaryKey, device.secondaryKey, device.generationId, device.status, device.createdAt);
    if (result.changes === 0) throw new RegistryError('device-exists', `device ${id} already exists: remove it first or pick another id`);
    return device;
  }

  /** Removes the device and its C2D queue in one transaction: a device added again under the same
   *  id is a new generation and must not receive the old one's commands. */
  removeDevice(id: string): void {
    const removed = this.db.transaction(() => {
      if (this.db.prepare(`DELETE FROM devices WHERE id = ?`).run(id).changes === 0) return false;
      this.db.prepare(`DELETE FROM c2d_messages WHERE device_id = ?`).run(id);
      return true;
    })();
    if (!removed) throw notFound(id);
  }

  setStatus(id: string, status: DeviceStatus): Device {
    if (this.db.prepare(`UPDATE devices SET status = ? WHERE id = ?`).run(status, id).changes === 0) throw notFound(id);
    return this.device(id)!;
  }

  policy(name: string): Policy | undefined {
    const row = this.db.prepare(`SELECT * FROM policies WHERE name = ?`).get(name) as
      | { name: string; primary_key: string; secondary_key: string; rights: string }
      | undefined;
    return row && { name: row.name, primaryKey: row.primary_key, secondaryKey: row.secondary_key, rights: row.rights.split(',') as Right[] };
  }
}

function notFound(id: string): RegistryError {
  return new RegistryError('device-not-found', `device ${id} is not in the registry (fogbridge hub device list)`);
}
