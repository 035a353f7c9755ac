// Entities → the typed effective config: defaults filled in from SCHEMA (reference/qdrouterd.md
// §1.2), default names given, names checked unique. Cross-references are checked in checks.ts.
import { DuplicateEntityError, InvalidValueError, UnsupportedSettingError } from './errors.js';
import { getBoolean, getList, getNumber, getString, lineOf, type Entity } from './entities.js';
import { SCHEMA } from './schema.js';
import type {
  ConnectorConfig, EffectiveConfig, LinkRouteConfig, ListenerConfig, LogConfig, LogLevel, LogModule, SerialListenerConfig,
  SslProfileConfig, TlsProtocol,
} from './types.js';
import { LOG_LEVELS } from './types.js';
import type { SecretRef } from './values.js';

const TLS_PROTOCOLS: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function fallback<T>(e: Entity, name: string): T {
  return SCHEMA[e.type]!.attributes[name]!.default as T;
}
const str = (e: Entity, n: string): string => getString(e, n) ?? fallback<string>(e, n);
const num = (e: Entity, n: string): number => getNumber(e, n) ?? fallback<number>(e, n);
const bool = (e: Entity, n: string): boolean => getBoolean(e, n) ?? fallback<boolean>(e, n);

/** §1.2 log.enable: `info+` = info and above; `trace,error` = those two; `none` = nothing. */
export function logLevels(enable: string): LogLevel[] | undefined {
  if (enable.trim() === 'none') return [];
  const levels = new Set<LogLevel>();
  for (const part of enable.split(',').map((p) => p.trim())) {
    const name = part.endsWith('+') ? part.slice(0, -1) : part;
    const at = LOG_LEVELS.indexOf(name as LogLevel);
    if (at < 0) return undefined;
    for (const level of part.endsWith('+') ? LOG_LEVELS.slice(at) : [LOG_LEVELS[at]!]) levels.add(level);
  }
  return LOG_LEVELS.filter((l) => levels.has(l));
}

export function buildConfig(entities: readonly Entity[], file: string): EffectiveConfig {
  const of = (type: string) => entities.filter((e) => e.type === type);
  const place = (e: Entity, attribute: string) => ({ file, line: lineOf(e, attribute) });
  const router = of('router')[0] ?? { type: 'router', line: 0, values: new Map() };
  if (str(router, 'mode') !== 'standalone') {
    throw new UnsupportedSettingError(place(router, 'mode'), `mode '${str(router, 'mode')}': fogbridge is a standalone router; write 'mode: standalone' or remove the line`);
  }
  const listeners = of('listener').map((e): ListenerConfig => {
    if (str(e, 'role') !== 'normal') {
      throw new UnsupportedSettingError(place(e, 'role'), `listener role '${str(e, 'role')}': a gateway listener accepts devices only; use 'role: normal'`);
    }
    const host = str(e, 'host');
    return {
      name: getString(e, 'name') ?? `listener/${host || '*'}:${num(e, 'port')}`,
      host, port: num(e, 'port'), role: 'normal',
      authenticatePeer: bool(e, 'authenticatePeer'), saslMechanisms: getList(e, 'saslMechanisms') ?? [],
      sslProfile: getString(e, 'sslProfile'), requireSsl: bool(e, 'requireSsl'),
      idleTimeoutSeconds: num(e, 'idleTimeoutSeconds'), initialHandshakeTimeoutSeconds: num(e, 'initialHandshakeTimeoutSeconds'),
      maxFrameSize: num(e, 'maxFrameSize'), maxSessions: num(e, 'maxSessions'), line: e.line,
    };
  });
  const connectors = of('connector').map((e): ConnectorConfig => {
    const role = str(e, 'role');
    if (role !== 'normal' && role !== 'route-container') {
      throw new UnsupportedSettingError(place(e, 'role'), `connector role '${role}': fogbridge connects to hubs only; use 'role: route-container'`);
    }
    return {
      name: getString(e, 'name') ?? `connector/${str(e, 'host')}:${num(e, 'port')}`,
      host: str(e, 'host'), port: num(e, 'port'), role,
      saslMechanisms: getList(e, 'saslMechanisms') ?? [], sslProfile: getString(e, 'sslProfile'),
      verifyHostname: bool(e, 'verifyHostname'), idleTimeoutSeconds: num(e, 'idleTimeoutSeconds'),
      maxFrameSize: num(e, 'maxFrameSize'), maxSessions: num(e, 'maxSessions'), cbsProxy: bool(e, 'cbsProxy'),
      deviceAuthorization: str(e, 'deviceAuthorization') as ConnectorConfig['deviceAuthorization'],
      allowPolicyTokens: bool(e, 'allowPolicyTokens'), maxDevicesPerConnection: num(e, 'maxDevicesPerConnection'), line: e.line,
    };
  });
  const sslProfiles = of('sslProfile').map((e): SslProfileConfig => {
    const protocols = getList(e, 'protocols') ?? [];
    const wrong = protocols.find((p) => !TLS_PROTOCOLS.includes(p));
    if (wrong !== undefined) throw new InvalidValueError(place(e, 'protocols'), `'protocols' lists '${wrong}': use ${TLS_PROTOCOLS.join(', ')}`);
    return {
      name: str(e, 'name'), caCertFile: getString(e, 'caCertFile'), certFile: getString(e, 'certFile'),
      privateKeyFile: getString(e, 'privateKeyFile'), password: e.values.get('password')?.value as SecretRef | undefined,
      protocols: protocols as TlsProtocol[], ciphers: getString(e, 'ciphers'), line: e.line,
    };
  });
  const linkRoutes = of('linkRoute').map((e, i): LinkRouteConfig => ({
    name: getString(e, 'name') ?? `linkRoute/${i + 1}`,
    prefix: getString(e, 'prefix'), pattern: getString(e, 'pattern'),
    direction: str(e, 'direction') as LinkRouteConfig['direction'],
    connection: getString(e, 'connection'), containerId: getString(e, 'containerId'),
    addExternalPrefix: getString(e, 'addExternalPrefix'), delExternalPrefix: getString(e, 'delExternalPrefix'), line: e.line,
  }));
  const logs = of('log').map((e): LogConfig => {
    const levels = logLevels(str(e, 'enable'));
    if (!levels) {
      throw new InvalidValueError(place(e, 'enable'), `'enable: ${str(e, 'enable')}' is not a comma list of ${LOG_LEVELS.join(', ')} (each with an optional trailing +) or none`);
    }
    return { module: str(e, 'module') as LogModule, enable: str(e, 'enable'), levels, line: e.line };
  });
  const serialListeners = of('serialListener').map((e, i): SerialListenerConfig => ({
    name: getString(e, 'name') ?? `serialListener/${i + 1}`, device: str(e, 'device'), baud: num(e, 'baud'), line: e.line,
  }));
  const policy = of('policy')[0] ?? { type: 'policy', line: 0, values: new Map() };
  const management = of('management')[0];

  unique(file, 'listener, connector and serialListener', [...listeners, ...connectors, ...serialListeners].map((x) => [x.name, x.line]));
  unique(file, 'sslProfile', sslProfiles.map((x) => [x.name, x.line]));
  unique(file, 'linkRoute', linkRoutes.map((x) => [x.name, x.line]));
  unique(file, 'log module', logs.map((x) => [x.module, x.line]));
  return {
    file,
    router: { id: str(router, 'id'), mode: 'standalone', line: router.line },
    listeners, serialListeners, connectors, sslProfiles, linkRoutes, logs,
    policy: { maxConnections: num(policy, 'maxConnections'), line: policy.line },
    management: management && { host: str(management, 'host'), port: num(management, 'port'), line: management.line },
  };
}

function unique(file: string, what: string, names: Array<[string, number]>): void {
  const seen = new Map<string, number>();
  for (const [name, line] of [...names].sort((a, b) => a[1] - b[1])) {
    const first = seen.get(name);
    if (first !== undefined) throw new DuplicateEntityError({ file, line }, `the name '${name}' is already used on line ${first} (${what} names are unique): rename one`);
    seen.set(name, line);
  }
}
