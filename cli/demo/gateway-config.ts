// The gateway config the demo writes to <data>/gateway.conf: the original story's qdrouterd file
// (shared/seeds, test/fixtures/seed-qdrouterd.conf) in today's 1.x spelling, with the IoT hub
// made local: the same plain listener for the boards, the same TLS connector and the same four
// link routes ($cbs and devices/, both directions), the hub's own CA as the trusted root. The
// gateway loads it through its normal config path (gateway/cli.ts loadPlan). Pure: text out.

export interface DemoGatewayConfig {
  /** The boards' plain AMQP listener (the story's 5672). */
  gatewayPort: number;
  /** The hub's AMQP over TLS port (the story's 5671). */
  hubHost: string;
  hubPort: number;
  /** The hub's CA certificate, absolute or relative to the config file's folder. */
  caCertFile: string;
  /** The gateway's HTTP management endpoint (/stat/*, /metrics) on 127.0.0.1. */
  managementPort?: number;
  /** A serial line the gateway listens on itself (its serialListener). */
  serialListener?: { device: string; baud: number };
  /** Extra comment lines at the top (what wrote the file, how the serial board is attached). */
  notes?: readonly string[];
}

export const DEMO_CONNECTOR = 'IOTHUB';

export function demoGatewayConfig(c: DemoGatewayConfig): string {
  const section = (name: string, attributes: [string, string | number][]): string =>
    [`${name} {`, ...attributes.map(([k, v]) => `    ${k}: ${v}`), '}', ''].join('\n');
  const route = (prefix: string, direction: 'in' | 'out', why: string): string =>
    `# ${why}\n${section('linkRoute', [['prefix', prefix], ['connection', DEMO_CONNECTOR], ['direction', direction]])}`;
  return [
    ...(c.notes ?? []).map((line) => `# ${line}`),
    '',
    section('router', [['mode', 'standalone'], ['id', 'fogbridge-gateway']]),
    '# the boards connect here: plain AMQP, no TLS, no SASL authentication (the story\'s listener)',
    section('listener', [['port', c.gatewayPort], ['role', 'normal'], ['authenticatePeer', 'no'], ['saslMechanisms', 'ANONYMOUS']]),
    ...(c.serialListener
      ? ['# a board on a serial line, with the reliable serial link (docs/serial-link.md)', section('serialListener', [['name', 'serial-board'], ['device', c.serialListener.device], ['baud', c.serialListener.baud]])]
      : []),
    ...(c.managementPort === undefined
      ? []
      : ['# fogbridge stat, /metrics and the console\'s gateway panel read it (loopback only)', section('management', [['host', '127.0.0.1'], ['port', c.managementPort]])]),
    '# trust the local hub\'s CA (the story trusted the CA of Azure IoT Hub\'s certificate)',
    section('sslProfile', [['name', 'hub-tls'], ['caCertFile', c.caCertFile]]),
    '# the hub: AMQP over TLS, CBS tokens proxied per device (fogbridge\'s defaults)',
    section('connector', [
      ['name', DEMO_CONNECTOR], ['host', c.hubHost], ['port', c.hubPort], ['role', 'route-container'],
      ['saslMechanisms', 'ANONYMOUS'], ['sslProfile', 'hub-tls'], ['verifyHostname', 'yes'], ['idleTimeoutSeconds', 120],
    ]),
    route('$cbs/', 'in', 'sending CBS tokens'),
    route('$cbs/', 'out', 'receiving the status of CBS token requests'),
    route('devices/', 'in', 'telemetry from the devices: devices/<DEVICE_ID>/messages/events (needs a CBS token)'),
    route('devices/', 'out', 'commands to the devices: devices/<DEVICE_ID>/messages/devicebound (needs a CBS token)'),
  ].join('\n');
}
