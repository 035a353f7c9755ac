// `fogbridge gateway --config <file>` runs the engine: the seed's config as printed (hub host,
// port and CA substituted) starts, routes $cbs and telemetry to the hub, and stops on SIGTERM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { FakeHub } from '../../helpers/fake-hub.js';
import { DeviceClient } from '../../helpers/gateway-harness.js';
import { fixture } from '../../helpers/gateway-config.js';

const root = new URL('../../../', import.meta.url).pathname;

test("the seed's config (hub substituted) runs: put-token and telemetry reach the hub; SIGTERM stops it with exit 0", async () => {
  const hub = await new FakeHub({ autoAccept: true }).start();
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-gw-run-'));
  writeFileSync(join(dir, 'hub-ca.pem'), hub.caPem);
  const config = fixture('seed-qdrouterd.conf')
    .replace('port: 5672', 'port: 0')
    .replace('<iotHub>', 'localhost')
    .replace('port: 5671', `port: ${hub.port}`)
    .replace('/opt/qdrouterd/Equifax_Secure_Certificate_Authority.pem', join(dir, 'hub-ca.pem'));
  writeFileSync(join(dir, 'gw.conf'), config);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli/index.ts'), 'gateway', '--config', join(dir, 'gw.conf')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let stderr = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        const m = /SERVER \(info\) listening on .*:(\d+) /.exec(stderr);
        if (m && /CONN_MGR \(info\) connector IOTHUB: connected/.test(stderr)) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
    });
    const device = await DeviceClient.connect(port, 'dev-A');
    assert.is(await device.putToken('A'), 200);
    const s = await device.attachSender('devices/A/messages/events');
    assert.ok(s.ok, s.ok ? '' : s.description);
    if (s.ok) {
      const accepted = once(s.link, 'accepted');
      s.link.send({ body: 'through the seed config' });
      await accepted;
    }
    device.close();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.is(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await hub.close();
  }
});

test.run();
