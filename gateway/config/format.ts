// `fogbridge gateway --check` output: the plan as a reader checks it against the file. Secrets
// are never printed, only where they come from.
import type { LogLevel } from './types.js';
import type { ConnectorPlan, GatewayPlan, ListenerPlan, TlsFiles } from './to-options.js';
import type { SecretRef } from './values.js';

function secret(ref: SecretRef | undefined): string {
  if (!ref) return 'none';
  return ref.kind === 'env' ? `from $${ref.name}` : ref.kind === 'file' ? `from ${ref.path}` : 'written in the file (hidden)';
}

function pem(text: string | undefined): string {
  const count = (text?.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
  return `${count} certificate${count === 1 ? '' : 's'}`;
}

function tls(files: TlsFiles): string {
  const parts = [
    `sslProfile ${files.profile}`,
    `CA ${files.caCertFile ? `${files.caCertFile} (${pem(files.ca)})` : "Node's default roots"}`,
    ...(files.certFile ? [`cert ${files.certFile} (${pem(files.cert)})`, `key ${files.privateKeyFile}`, `key password ${secret(files.password)}`] : []),
    `protocols ${files.protocols.length ? files.protocols.join(' ') : "Node's default"}`,
    ...(files.ciphers ? [`ciphers ${files.ciphers}`] : []),
  ];
  return parts.join(', ');
}

const seconds = (s: number) => (s === 0 ? 'off' : `${s} s`);
const sasl = (m: readonly string[]) => (m.length ? m.join(' ') : 'any');

function listener(l: ListenerPlan): string[] {
  return [
    `  ${l.name}: ${l.host || '(all addresses)'} port ${l.port}`,
    `    ${l.tls ? `TLS${l.tls.requireTls ? ' only' : ' or plain AMQP'}: ${tls(l.tls)}` : 'plain AMQP (no TLS)'}`,
    `    SASL ${sasl(l.saslMechanisms)}, authenticatePeer ${l.authenticatePeer ? 'yes' : 'no'}; idle timeout ${seconds(l.idleTimeoutSeconds)}` +
      ` (${seconds(l.idleTimeoutSeconds / 2)} advertised), handshake timeout ${seconds(l.initialHandshakeTimeoutSeconds)}, maxFrameSize ${l.maxFrameSize}, maxSessions ${l.maxSessions}`,
  ];
}

function connector(c: ConnectorPlan): string[] {
  const security = c.tls
    ? `TLS, SNI ${c.tls.servername}, hostname ${c.tls.verifyHostname ? 'verified' : 'NOT verified'}: ${tls(c.tls)}`
    : 'plain AMQP (no TLS)';
  return [
    `  ${c.name}: ${c.host} port ${c.port}`,
    `    ${security}`,
    `    SASL ${sasl(c.saslMechanisms)}; idle timeout ${seconds(c.idleTimeoutSeconds)}, maxFrameSize ${c.maxFrameSize}, maxSessions ${c.maxSessions}`,
    `    CBS proxy ${c.cbsProxy ? 'on' : 'off'}, device authorization ${c.authorization.mode}, policy tokens ${c.authorization.allowPolicyTokens ? 'allowed' : 'refused'}, ${c.maxDevicesPerConnection} devices per connection`,
  ];
}

function levels(l: readonly LogLevel[]): string {
  return l.length ? l.join(',') : 'none';
}

export function formatPlan(plan: GatewayPlan): string {
  const width = Math.max(0, ...plan.routes.map((r) => r.matchPattern.length));
  const logs = Object.entries(plan.logLevels);
  const defaults = levels(plan.logLevels.DEFAULT);
  const special = logs.filter(([, l]) => levels(l) !== defaults);
  return [
    `router id (container-id): ${plan.routerId}`,
    `listeners:`,
    ...plan.listeners.flatMap(listener),
    ...plan.serialListeners.map((s) => `  ${s.name}: serial ${s.device} at ${s.baud} bit/s`),
    `connectors:`,
    ...(plan.connectors.length ? plan.connectors.flatMap(connector) : ['  (none)']),
    `link routes (in = device senders, out = device receivers):`,
    ...(plan.routes.length ? [] : ['  (none)']),
    ...plan.routes.map(
      (r) =>
        `  ${r.direction.padEnd(3)} ${r.matchPattern.padEnd(width)}  -> ${r.connection !== undefined ? `connection ${r.connection}` : `containerId ${r.containerId}`}` +
        `${r.delExternalPrefix !== undefined ? `, delete prefix '${r.delExternalPrefix}'` : ''}${r.addExternalPrefix !== undefined ? `, add prefix '${r.addExternalPrefix}'` : ''}  (${r.name})`,
    ),
    `limits: maxConnections ${plan.limits.maxConnections}`,
    `management: ${plan.management ? `http://${plan.management.host.includes(':') ? `[${plan.management.host}]` : plan.management.host}:${plan.management.port} (/stat/*, /metrics)` : 'off (no management section)'}`,
    `logs: ${defaults} for every module${special.map(([m, l]) => `; ${m} ${levels(l)}`).join('')}`,
  ].join('\n');
}
