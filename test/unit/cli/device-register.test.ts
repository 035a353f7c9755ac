// `fogbridge device --register --hub-data <dir>` (cli/device.ts): the boards go into the hub's
// registry with the keys they sign with, in one go; a second run keeps them; a device already
// there with another key is a usage error, not a silent key change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBoards, splitRegisterArgs } from '../../../cli/device.js';
import { UsageError } from '../../../device-emulator/cli-options.js';
import { openDatabase } from '../../../hub/store/database.js';
import { Registry } from '../../../hub/store/registry.js';
import { registrySources } from '../../../hub/sources.js';

const boards = (n: number, key = 'a2V5LW9mLXRoZS1ib2FyZC0xMjM0NTY3OA==') =>
  Array.from({ length: n }, (_, i) => ({ deviceId: `reg-${i}`, deviceKey: key, envelopeKey: new Uint8Array(16) }));

test('--register and --hub-data are split off; the rest is the emulator argv', () => {
  assert.equal(splitRegisterArgs(['--connection-string', 'x', '--register', '--hub-data', '/d', '--count', '3']), { register: true, hubData: '/d', rest: ['--connection-string', 'x', '--count', '3'] });
  assert.equal(splitRegisterArgs(['--register', '--hub-data=/e']).hubData, '/e');
  assert.equal(splitRegisterArgs(['--register']).hubData, './data');
  assert.equal(splitRegisterArgs(['--count', '2']), { register: false, hubData: './data', rest: ['--count', '2'] });
  assert.throws(() => splitRegisterArgs(['--hub-data', '/d']), (e: Error) => e instanceof UsageError && /goes with --register/.test(e.message));
  assert.throws(() => splitRegisterArgs(['--register', '--hub-data']), (e: Error) => e instanceof UsageError);
});

test('GIVEN an empty data folder WHEN a fleet registers twice THEN every board is in the registry with its key, added once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-register-'));
  try {
    assert.equal(registerBoards(dir, boards(50)), { added: 50, kept: 0 });
    assert.equal(registerBoards(dir, boards(60)), { added: 10, kept: 50 });
    const db = openDatabase(join(dir, 'hub.sqlite'), 0);
    const devices = new Registry(db, registrySources(Date.now)).devices();
    db.close();
    assert.is(devices.length, 60);
    assert.ok(devices.every((d) => d.primaryKey === boards(1)[0]!.deviceKey));
    assert.throws(() => registerBoards(dir, boards(1, 'b3RoZXIta2V5LW9mLXRoZS1ib2FyZC0xMjM0NQ==')), (e: Error) => e instanceof UsageError && /reg-0 is in the hub with another key/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
