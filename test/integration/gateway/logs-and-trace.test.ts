// Logs (qdrouterd.md §1.2 `log`, §2.8): per-module levels from `log` sections, qdrouterd's line
// format, and what an operator needs logged. PN_TRACE_FRM: every frame both ways, Proton's form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load, withBasics } from '../../helpers/gateway-config.js';
import { toGatewayPlan } from '../../../gateway/config/to-options.js';
import { planLogger } from '../../../gateway/router/log.js';
import { connectionTrace } from '../../../gateway/router/trace/frame-trace.js';
import { observedGateway, until } from '../../helpers/observed-gateway.js';

const io = { readFile: () => '', env: () => undefined };
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \+0000 [A-Z_]+ \((trace|debug|info|notice|warning|error|critical)\) .+$/;

test('GIVEN log sections for ROUTER (debug+), POLICY (trace,error) and DEFAULT (warning+) THEN each module logs exactly its levels, in qdrouterd\'s line format', () => {
  const text = withBasics('log {\n    module: ROUTER\n    enable: debug+\n}\nlog {\n    module: POLICY\n    enable: trace,error\n}\nlog {\n    module: DEFAULT\n    enable: warning+\n}\n');
  const plan = toGatewayPlan(load(text).config, io);
  const lines: string[] = [];
  const log = planLogger(plan.logLevels, (l) => lines.push(l), () => Date.UTC(2026, 10, 26, 12, 54, 48, 123));
  log('ROUTER', 'trace', 'r-trace');
  log('ROUTER', 'debug', 'r-debug');
  log('ROUTER', 'critical', 'r-critical');
  log('POLICY', 'trace', 'p-trace');
  log('POLICY', 'warning', 'p-warning');
  log('POLICY', 'error', 'p-error');
  log('SERVER', 'info', 's-info');
  log('SERVER', 'warning', 's-warning');
  log('CONN_MGR', 'notice', 'c-notice');
  log('CONN_MGR', 'error', 'c-error');
  assert.equal(lines, [
    '2026-11-26 12:54:48.123000 +0000 ROUTER (debug) r-debug',
    '2026-11-26 12:54:48.123000 +0000 ROUTER (critical) r-critical',
    '2026-11-26 12:54:48.123000 +0000 POLICY (trace) p-trace',
    '2026-11-26 12:54:48.123000 +0000 POLICY (error) p-error',
    '2026-11-26 12:54:48.123000 +0000 SERVER (warning) s-warning',
    '2026-11-26 12:54:48.123000 +0000 CONN_MGR (error) c-error',
  ]);
  const none = toGatewayPlan(load(withBasics('log {\n    module: DEFAULT\n    enable: none\n}\n')).config, io);
  const quiet: string[] = [];
  planLogger(none.logLevels, (l) => quiet.push(l), Date.now)('SERVER', 'critical', 'x');
  assert.equal(quiet, []);
});

test('GIVEN a running gateway WHEN a device connects, authenticates, attaches, is refused and leaves THEN SERVER, ROUTER, POLICY, AUTHSERVICE and CONN_MGR say so', async () => {
  const g = await observedGateway();
  try {
    const device = await g.device('dev-L');
    assert.is(await device.putToken('L'), 200);
    const ok = await device.attachSender('devices/L/messages/events');
    assert.ok(ok.ok);
    assert.not.ok((await device.attachSender('nowhere/at/all')).ok);
    assert.not.ok((await device.attachSender('devices/B/messages/events')).ok);
    device.close();
    await until(() => g.logs.some((l) => l.includes('Connection closed')), 'the close to be logged');
    for (const l of g.logs) assert.match(l, LINE);
    const has = (re: RegExp) => assert.ok(g.logs.some((l) => re.test(l)), `no log line matches ${re}\n${g.logs.join('\n')}`);
    has(/ CONN_MGR \(info\) connector HUB: connected to localhost:\d+ \[C\d+\] TLS=TLSv1\.[23] /);
    has(/ SERVER \(info\) \[C\d+\] Connection opened: devices tcp 127\.0\.0\.1:\d+ container="dev-L"$/);
    has(/ AUTHSERVICE \(info\) \[C\d+\] put-token for "localhost%2Fdevices%2FL": 200$/);
    has(/ ROUTER \(info\) \[C\d+\] Link attached: dir=in address="devices\/L\/messages\/events" link=".+" peer=".+@dev-L" connector=HUB$/);
    has(/ ROUTER \(info\) \[C\d+\] Link refused: dir=in address="nowhere\/at\/all" qd:no-route-to-dest \(No route to the destination node: no link route matches/);
    has(/ POLICY \(warning\) \[C\d+\] Link refused: dir=in address="devices\/B\/messages\/events" amqp:unauthorized-access /);
    has(/ SERVER \(info\) \[C\d+\] Connection closed: devices tcp 127\.0\.0\.1:\d+ devices=L$/);
    await until(() => g.logs.some((l) => l.includes('Link detached')), 'the detach to be logged');
    has(/ ROUTER \(info\) \[C\d+\] Link detached: dir=in address="devices\/L\/messages\/events" delivered=0 /);
  } finally {
    await g.close();
  }
});

test('GIVEN the hub goes away THEN CONN_MGR logs the loss and each reconnect with its backoff, ROUTER the link routes going inactive', async () => {
  const g = await observedGateway();
  try {
    await g.hub.kill();
    await until(() => g.logs.filter((l) => / CONN_MGR \(info\) connector HUB: reconnecting in \d+ ms \(attempt \d+, backoff cap 200 ms\)$/.test(l)).length >= 2, 'two reconnect attempts');
    assert.ok(g.logs.some((l) => / CONN_MGR \(warning\) connector HUB: \[C\d+\] connection lost to localhost:\d+ /.test(l)));
    assert.ok(g.logs.some((l) => / CONN_MGR \(warning\) connector HUB: cannot connect to localhost:\d+ /.test(l)));
    assert.ok(g.logs.some((l) => / ROUTER \(info\) Link route activated: devices-in pattern devices\/\*\/# dir=in connection=HUB$/.test(l)));
    assert.ok(g.logs.some((l) => / ROUTER \(info\) Link route deactivated: cbs-out prefix \$cbs dir=out connection=HUB$/.test(l)));
  } finally {
    await g.close();
  }
});

test('GIVEN PN_TRACE_FRM WHEN a device sends telemetry through the gateway THEN attach, transfer and disposition are traced both ways on the device and the upstream connection, with SASL and protocol headers', async () => {
  const g = await observedGateway({ trace: true });
  try {
    const device = await g.device('dev-T');
    assert.is(await device.putToken('T'), 200);
    const s = await device.attachSender('devices/T/messages/events');
    assert.ok(s.ok);
    if (!s.ok) return;
    const accepted = new Promise((r) => s.link.once('accepted', r));
    s.link.send({ body: 'traced', message_id: 'm-trace' });
    await accepted;
    assert.not.ok((await device.attachSender('nowhere')).ok);
    const [down, up] = [g.gateway.view.connections.values().next().value!.id, g.gateway.connectors.get('HUB')!.upstreams[0]!.upstream.id];
    const has = (re: RegExp) => assert.ok(g.frames.some((l) => re.test(l)), `no frame line matches ${re}`);
    const d = `\\[${down}\\]`;
    const u = `\\[${up}\\]`;
    has(new RegExp(`^${d}:  <- AMQP$`));
    has(new RegExp(`^${d}:  -> AMQP$`));
    has(new RegExp(`^${d}:0 <- @open\\(16\\) \\[container-id="dev-T"`));
    has(new RegExp(`^${d}:\\d+ <- @attach\\(18\\) \\[name="[^"]+", handle=\\d+, role=false, .*target=@target\\(41\\) \\[address="devices/T/messages/events"`));
    has(new RegExp(`^${d}:\\d+ -> @attach\\(18\\) \\[name="[^"]+", handle=\\d+, role=true, `));
    has(new RegExp(`^${d}:\\d+ <- @transfer\\(20\\) \\[handle=\\d+, delivery-id=\\d+, delivery-tag=b"[^"]*", message-format=0.*\\] \\(\\d+\\) b".*traced`));
    has(new RegExp(`^${d}:\\d+ -> @disposition\\(21\\) \\[role=true, first=\\d+, .*state=@accepted\\(36\\) \\[\\]`));
    has(new RegExp(`^${d}:\\d+ -> @detach\\(22\\) \\[handle=\\d+, closed=true, error=@error\\(29\\) \\[condition=:"qd:no-route-to-dest", description="No route to the destination node`));
    has(new RegExp(`^${u}:  -> SASL$`));
    has(new RegExp(`^${u}:  <- SASL$`));
    has(new RegExp(`^${u}:0 <- @sasl-mechanisms\\(64\\) \\[sasl-server-mechanisms=`));
    has(new RegExp(`^${u}:0 -> @sasl-init\\(65\\) \\[mechanism=:"ANONYMOUS"`));
    has(new RegExp(`^${u}:0 <- @sasl-outcome\\(68\\) \\[code=0`));
    has(new RegExp(`^${u}:\\d+ -> @attach\\(18\\) \\[name="[^"]+@dev-T", handle=\\d+, role=false, `));
    has(new RegExp(`^${u}:\\d+ <- @attach\\(18\\) \\[name="[^"]+@dev-T", handle=\\d+, role=true, `));
    has(new RegExp(`^${u}:\\d+ -> @transfer\\(20\\) \\[handle=\\d+, .*\\(\\d+\\) b".*traced`));
    has(new RegExp(`^${u}:\\d+ <- @disposition\\(21\\) \\[role=true, first=\\d+, .*state=@accepted\\(36\\) \\[\\]`));
  } finally {
    await g.close();
  }
});

test('GIVEN no PN_TRACE_FRM THEN nothing is traced', async () => {
  const g = await observedGateway({ trace: false });
  try {
    const device = await g.device('dev-Q');
    assert.is(await device.putToken('Q'), 200);
    assert.equal(g.frames, []);
  } finally {
    await g.close();
  }
});

test('the frame trace reads frames split at every byte exactly as whole', () => {
  // open(container-id="c") then an empty frame (heartbeat), after the AMQP header.
  const open = Buffer.from([0x00, 0x53, 0x10, 0xc0, 0x04, 0x01, 0xa1, 0x01, 0x63]);
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 8 + open.length, 2, 0, 0, 0]), open]);
  const bytes = Buffer.concat([Buffer.from('AMQP\x00\x01\x00\x00', 'latin1'), frame, Buffer.from([0, 0, 0, 8, 2, 0, 0, 0])]);
  const whole: string[] = [];
  connectionTrace((l) => whole.push(l), 'C1').received(bytes);
  assert.equal(whole, ['[C1]:  <- AMQP', '[C1]:0 <- @open(16) [container-id="c"]', '[C1]:0 <- (EMPTY FRAME)']);
  const split: string[] = [];
  const t = connectionTrace((l) => split.push(l), 'C1');
  for (const b of bytes) t.received(Buffer.from([b]));
  assert.equal(split, whole);
});

test.run();
