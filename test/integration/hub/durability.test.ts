// Restart durability (issue 3 item 9, DESIGN.md decision 6): a hub in a child process is killed
// with SIGKILL while the device SDK streams telemetry; every message the SDK saw accepted is in
// storage when the hub starts again on the same data folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '../../../hub/hub.js';
import { Registry } from '../../../hub/store/registry.js';
import { openDatabase } from '../../../hub/store/database.js';
import { registrySources } from '../../../hub/sources.js';
import { formatIotHubConnectionString } from '../../../protocol/connection-string.js';
import { DeviceMessage, storedEvents } from './helpers.js';
import iotDevice from 'azure-iot-device';
import iotDeviceAmqp from 'azure-iot-device-amqp';

const root = new URL('../../..', import.meta.url).pathname;
const data = mkdtempSync(join(tmpdir(), 'fogbridge-hub-durable-'));
let child: ChildProcess | undefined;

test.after(() => {
  child?.kill('SIGKILL');
  rmSync(data, { recursive: true, force: true });
});

/** Starts `fogbridge hub` in a child process; resolves with its port once it printed its strings. */
function startChild(): Promise<{ port: number; ca: string }> {
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli/index.ts'), 'hub', '--data', data, '--port', '0', '--no-console'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const port = /listening on amqps:\/\/localhost:(\d+)/.exec(out)?.[1];
      const ca = /CA certificate: (.*)\n/.exec(out)?.[1];
      if (port && ca && out.includes('wrote ')) resolve({ port: Number(port), ca });
    });
    child!.stderr!.on('data', (chunk: Buffer) => (out += chunk));
    child!.once('exit', (code) => reject(new Error(`hub exited (${code}) before it was ready:\n${out}`)));
  });
}

test('every message the device SDK saw accepted survives SIGKILL of the hub process', async () => {
  const db = openDatabase(join(data, 'hub.sqlite'), 0);
  const device = new Registry(db, registrySources(Date.now)).addDevice('durable-1');
  db.close();
  const { port, ca } = await startChild();
  const client = iotDevice.Client.fromConnectionString(
    formatIotHubConnectionString({ hostName: `localhost:${port}`, deviceId: 'durable-1', sharedAccessKey: device.primaryKey }),
    iotDeviceAmqp.Amqp,
  );
  client.setOptions({ ca });
  await client.open();

  const accepted = new Set<string>();
  const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  let killed = false;
  let sent = 0;
  // Keep 20 sends in flight; kill the hub once 300 were accepted, mid-stream.
  const pump = (): void => {
    if (killed) return;
    const id = `m-${sent++}`;
    const message = new DeviceMessage(JSON.stringify({ n: id }));
    message.messageId = id;
    client.sendEvent(message).then(() => {
      if (killed) return;
      accepted.add(id);
      if (accepted.size >= 300) {
        killed = true;
        child!.kill('SIGKILL');
      } else pump();
    }, () => undefined);
  };
  for (let i = 0; i < 20; i++) pump();
  await exited;
  const sawAccepted = [...accepted];
  void client.close().catch(() => undefined);

  const hub = await startHub({ dataDir: data, port: 0 });
  try {
    const stored = new Set(storedEvents(hub).map((e) => e.message.message_id as string));
    const lost = sawAccepted.filter((id) => !stored.has(id));
    assert.equal(lost, []);
    assert.ok(sawAccepted.length >= 300);
    assert.ok(hub.registry.device('durable-1'), 'the registry survives too');
  } finally {
    await hub.close();
  }
});

test('a graceful close mid-stream commits what it acknowledged and closes the connections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-hub-graceful-'));
  try {
    const hub = await startHub({ dataDir: dir, port: 0 });
    hub.registry.addDevice('graceful-1');
    const client = iotDevice.Client.fromConnectionString(hub.deviceConnectionString('graceful-1'), iotDeviceAmqp.Amqp);
    client.setOptions({ ca: hub.certificates.caPem });
    await client.open();
    const accepted = new Set<string>();
    let closing: Promise<void> | undefined;
    let closeStarted!: () => void;
    const started = new Promise<void>((resolve) => (closeStarted = resolve));
    let sent = 0;
    const pump = (): void => {
      if (closing) return;
      const id = `g-${sent++}`;
      const message = new DeviceMessage(id);
      message.messageId = id;
      client.sendEvent(message).then(() => {
        accepted.add(id);
        if (accepted.size < 200) return pump();
        if (closing) return;
        closing = hub.close();
        closeStarted();
      }, () => undefined);
    };
    for (let i = 0; i < 20; i++) pump();
    await started;
    await closing;
    assert.is(hub.connectionCount, 0);
    const sawAccepted = [...accepted];
    void client.close().catch(() => undefined);
    const again = await startHub({ dataDir: dir, port: 0 });
    try {
      const stored = new Set(storedEvents(again).map((e) => e.message.message_id as string));
      assert.equal(sawAccepted.filter((id) => !stored.has(id)), []);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
