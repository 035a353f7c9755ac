// The effective config mapped to what the link-routing engine starts from: a plain typed
// GatewayPlan with each sslProfile folded into the listener or connector that uses it (its PEM
// files and password read through the injected PlanIo, which gateway/cli.ts backs with the file
// system and the environment) and log levels expanded per module.
import { buildRouteTable, type Route } from '../routes/table.js';
import { LOG_MODULES } from './schema.js';
import type { ConnectorConfig, DeviceAuthorization, EffectiveConfig, LogLevel, LogModule, SslProfileConfig, TlsProtocol } from './types.js';
import { logLevels } from './build.js';
import { ConfigFileError } from './errors.js';
import type { SecretRef } from './values.js';

/** TLS settings from one sslProfile: paths as written, and the PEM text read from them. */
export interface TlsFiles {
  profile: string;
  caCertFile: string | undefined;
  certFile: string | undefined;
  privateKeyFile: string | undefined;
  password: SecretRef | undefined;
  /** PEM of caCertFile; undefined = Node's default roots (connector) or no client certificates (listener). */
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  /** The key's password, resolved from `password`. */
  passphrase: string | undefined;
  /** Empty: Node's defaults. */
  protocols: readonly TlsProtocol[];
  ciphers: string | undefined;
}

/** How the plan reads what the config names; gateway/cli.ts passes the file system and process.env. */
export interface PlanIo {
  /** Throws when the file cannot be read. */
  readFile(path: string): string;
  env(name: string): string | undefined;
}

export interface ListenerPlan {
  name: string;
  /** '' = every local address. */
  host: string;
  port: number;
  /** With `requireTls: false` the same port takes plain AMQP and TLS (reference/qdrouterd.md §1.2 requireSsl). */
  tls: (TlsFiles & { certFile: string; privateKeyFile: string; cert: string; key: string; requireTls: boolean }) | undefined;
  authenticatePeer: boolean;
  saslMechanisms: readonly string[];
  /** Close a connection silent this long; advertise half of it in Open (§1.2). 0 = off. */
  idleTimeoutSeconds: number;
  /** Close a connection whose Open has not arrived in time; 0 = off. */
  initialHandshakeTimeoutSeconds: number;
  maxFrameSize: number;
  maxSessions: number;
}

export interface SerialListenerPlan {
  name: string;
  device: string;
  baud: number;
}

export interface ConnectorPlan {
  name: string;
  host: string;
  port: number;
  /** SNI and the name verified are `host` (§2.7); undefined = plain AMQP. */
  tls: (TlsFiles & { servername: string; verifyHostname: boolean }) | undefined;
  saslMechanisms: readonly string[];
  idleTimeoutSeconds: number;
  maxFrameSize: number;
  maxSessions: number;
  cbsProxy: boolean;
  authorization: { mode: DeviceAuthorization; allowPolicyTokens: boolean };
  maxDevicesPerConnection: number;
}

export interface GatewayPlan {
  configFile: string;
  /** router `id`: also the container-id in every Open the gateway sends (§1.2 router). */
  routerId: string;
  listeners: readonly ListenerPlan[];
  serialListeners: readonly SerialListenerPlan[];
  connectors: readonly ConnectorPlan[];
  /** Checked and canonical; `buildRouteTable(plan.routes)` gives the table. */
  routes: readonly Route[];
  limits: { maxConnections: number };
  /** Every module's enabled levels: its own `log` section, else DEFAULT's, else info and above. */
  logLevels: Readonly<Record<LogModule, readonly LogLevel[]>>;
  /** The HTTP management endpoint (gateway/management/); undefined = none (no `management` section). */
  management?: { host: string; port: number } | undefined;
}

/** Reads one sslProfile's files and password; a failure names the profile, its line and the path. */
function tlsFiles(profile: SslProfileConfig, io: PlanIo, file: string): TlsFiles {
  const { name, caCertFile, certFile, privateKeyFile, password, protocols, ciphers } = profile;
  const fail = (what: string, cause?: unknown): never => {
    throw new ConfigFileError({ file, line: profile.line }, `sslProfile '${name}': ${what}`, { cause });
  };
  const read = (attribute: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return io.readFile(path);
    } catch (cause) {
      return fail(`cannot read ${attribute} ${path} (${(cause as Error).message}): fix the path or the file's permissions`, cause);
    }
  };
  let passphrase: string | undefined;
  if (password?.kind === 'env') passphrase = io.env(password.name) ?? fail(`password: the environment variable ${password.name} is not set`);
  else if (password?.kind === 'file') passphrase = read('password file', password.path)?.replace(/\r?\n$/, '');
  else passphrase = password?.value;
  const [ca, cert, key] = [read('caCertFile', caCertFile), read('certFile', certFile), read('privateKeyFile', privateKeyFile)];
  return { profile: name, caCertFile, certFile, privateKeyFile, password, ca, cert, key, passphrase, protocols, ciphers };
}

function connectorPlan(c: ConnectorConfig, tls: TlsFiles | undefined): ConnectorPlan {
  return {
    name: c.name, host: c.host, port: c.port,
    tls: tls && { ...tls, servername: c.host, verifyHostname: c.verifyHostname },
    saslMechanisms: c.saslMechanisms, idleTimeoutSeconds: c.idleTimeoutSeconds, maxFrameSize: c.maxFrameSize,
    maxSessions: c.maxSessions, cbsProxy: c.cbsProxy,
    authorization: { mode: c.deviceAuthorization, allowPolicyTokens: c.allowPolicyTokens },
    maxDevicesPerConnection: c.maxDevicesPerConnection,
  };
}

/** Expects a config that passed checkConfig (references resolve, routes are unique). */
export function toGatewayPlan(config: EffectiveConfig, io: PlanIo): GatewayPlan {
  const profiles = new Map(config.sslProfiles.map((p) => [p.name, p]));
  const read = new Map<string, TlsFiles>();
  const profileOf = (name: string | undefined) => {
    const profile = name === undefined ? undefined : profiles.get(name);
    if (!profile) return undefined;
    if (!read.has(profile.name)) read.set(profile.name, tlsFiles(profile, io, config.file));
    return read.get(profile.name)!;
  };
  const fallback = config.logs.find((l) => l.module === 'DEFAULT')?.levels ?? logLevels('info+')!;
  const levels = Object.fromEntries(
    LOG_MODULES.map((m) => [m, config.logs.find((l) => l.module === m)?.levels ?? fallback]),
  ) as Record<LogModule, readonly LogLevel[]>;
  return {
    configFile: config.file,
    routerId: config.router.id,
    listeners: config.listeners.map((l): ListenerPlan => {
      const profile = profileOf(l.sslProfile);
      return {
        name: l.name, host: l.host, port: l.port,
        tls: profile && { ...profile, certFile: profile.certFile!, privateKeyFile: profile.privateKeyFile!, cert: profile.cert!, key: profile.key!, requireTls: l.requireSsl },
        authenticatePeer: l.authenticatePeer, saslMechanisms: l.saslMechanisms,
        idleTimeoutSeconds: l.idleTimeoutSeconds, initialHandshakeTimeoutSeconds: l.initialHandshakeTimeoutSeconds,
        maxFrameSize: l.maxFrameSize, maxSessions: l.maxSessions,
      };
    }),
    serialListeners: config.serialListeners.map(({ name, device, baud }) => ({ name, device, baud })),
    connectors: config.connectors.map((c) => connectorPlan(c, profileOf(c.sslProfile))),
    routes: buildRouteTable(config.linkRoutes.map(({ line: _line, ...spec }) => spec)).routes,
    limits: { maxConnections: config.policy.maxConnections },
    logLevels: levels,
    management: config.management && { host: config.management.host, port: config.management.port },
  };
}
