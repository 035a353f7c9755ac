// The CLIs end to end: `PN_TRACE_FRM=1 fogbridge gateway --config <file>` with a `management`
// section traces frames and logs on stderr; `fogbridge stat -c` (a separate process) reads the
// running gateway's management endpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { FakeHub } from '../../helpers/fake-hub.js';
import { DeviceClient } from '../../helpers/gateway-harness.js';

const root = new URL('../../../', import.meta.url).pathname;
const cli = join(root, 'cli/index.ts');

test('PN_TRACE_FRM=1 fogbridge gateway traces frames and logs; fogbridge stat -c shows the device connection', async () => {
  const hub = await new FakeHub({ autoAccept: true }).start();
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-gw-obs-'));
  writeFileSync(join(dir, 'hub-ca.pem'), hub.caPem);
  writeFileSync(join(dir, 'gw.conf'), [
    'router {\n    id: gw-cli\n}',
    'listener {\n    host: 127.0.0.1\n    port: 0\n}',
    `sslProfile {\n    name: hub-tls\n    caCertFile: hub-ca.pem\n}`,
    `connector {\n    name: HUB\n    host: localhost\n    port: ${hub.port}\n    role: route-container\n    sslProfile: hub-tls\n    saslMechanisms: ANONYMOUS\n}`,
    'linkRoute {\n    prefix: $cbs\n    direction: in\n    connection: HUB\n}',
    'linkRoute {\n    prefix: $cbs\n    direction: out\n    connection: HUB\n}',
    'linkRoute {\n    pattern: devices/*/#\n    direction: in\n    connection: HUB\n}',
    'management {\n    port: 0\n}',
    'log {\n    module: DEFAULT\n    enable: info+\n}',
  ].join('\n') + '\n');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'gateway', '--config', join(dir, 'gw.conf')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PN_TRACE_FRM: '1' } });
  let stderr = '';
  try {
    const [port, url] = await new Promise<[number, string]>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        const listening = /SERVER \(info\) listening on .*:(\d+) /.exec(stderr);
        const management = /HTTP \(info\) management on (http:\/\/127\.0\.0\.1:\d+) /.exec(stderr);
        if (listening && management && /CONN_MGR \(info\) connector HUB: connected/.test(stderr)) resolve([Number(listening[1]), management[1]!]);
      });
      child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
    });
    const device = await DeviceClient.connect(port, 'dev-cli');
    assert.is(await device.putToken('cli'), 200);
    const s = await device.attachSender('devices/cli/messages/events');
    assert.ok(s.ok);
    if (s.ok) {
      const accepted = once(s.link, 'accepted');
      s.link.send({ body: 'through the CLI' });
      await accepted;
    }
    const stat = spawnSync(process.execPath, ['--import', 'tsx', cli, 'stat', '-c', '--url', url], { cwd: root, encoding: 'utf8' });
    assert.is(stat.status, 0, stat.stderr);
    assert.match(stat.stdout, /^Connections\nid\s+host\s+container\s+role\s+dir\s+via\s+security\s+devices\s+links\s+uptime\n/);
    assert.match(stat.stdout, /\nC\d+\s+127\.0\.0\.1:\d+\s+dev-cli\s+normal\s+in\s+listener\/127\.0\.0\.1:0\s+no-security\s+cli\s+1\s/);
    assert.match(stat.stdout, /\nC\d+\s+localhost:\d+\s+fake-hub\s+route-container\s+out\s+HUB\s+TLSv1\.[23] /);
    device.close();
    assert.match(stderr, /\n\[C\d+\]:\d+ <- @attach\(18\) \[name="[^"]+", handle=\d+, role=false, .*address="devices\/cli\/messages\/events"/);
    assert.match(stderr, /\n\[C\d+\]:\d+ -> @transfer\(20\) \[handle=\d+, .*through the CLI/);
    assert.match(stderr, /\n\[C\d+\]:\d+ <- @disposition\(21\) \[role=true, .*@accepted\(36\)/);
    assert.match(stderr, /\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \+0000 ROUTER \(info\) \[C\d+\] Link attached: dir=in address="devices\/cli\/messages\/events"/);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.is((await exited)[0], 0);
    const gone = spawnSync(process.execPath, ['--import', 'tsx', cli, 'stat', '--url', url], { cwd: root, encoding: 'utf8' });
    assert.is(gone.status, 1);
    assert.match(gone.stderr, /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await hub.close();
  }
});

test.run();
