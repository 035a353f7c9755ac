// The effective configuration: every attribute with its default filled in, names canonical,
// references checked. `line` is where the section starts in the file (0 for a default section).
import type { LinkRouteSpec } from '../routes/table.js';
import type { LOG_MODULES } from './schema.js';
import type { SecretRef } from './values.js';
import type { ConfigWarning } from './errors.js';

export type LogModule = (typeof LOG_MODULES)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RouterConfig {
  id: string;
  mode: 'standalone';
  line: number;
}

export interface ListenerConfig {
  name: string;
  host: string;
  port: number;
  role: 'normal';
  authenticatePeer: boolean;
  saslMechanisms: readonly string[];
  sslProfile: string | undefined;
  requireSsl: boolean;
  idleTimeoutSeconds: number;
  initialHandshakeTimeoutSeconds: number;
  maxFrameSize: number;
  maxSessions: number;
  line: number;
}

export type DeviceAuthorization = 'per-device' | 'off';

export interface ConnectorConfig {
  name: string;
  host: string;
  port: number;
  role: 'normal' | 'route-container';
  saslMechanisms: readonly string[];
  sslProfile: string | undefined;
  verifyHostname: boolean;
  idleTimeoutSeconds: number;
  maxFrameSize: number;
  maxSessions: number;
  /** Ours: the gateway answers devices' `$cbs` links itself (DESIGN.md decision 4). */
  cbsProxy: boolean;
  /** Ours: DESIGN.md decision 5. */
  deviceAuthorization: DeviceAuthorization;
  /** Ours: whether a hub-accepted policy-scope token (sr=<hub>/devices) authorizes every device. */
  allowPolicyTokens: boolean;
  /** Ours: DESIGN.md decision 3. */
  maxDevicesPerConnection: number;
  line: number;
}

export type TlsProtocol = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface SslProfileConfig {
  name: string;
  caCertFile: string | undefined;
  certFile: string | undefined;
  privateKeyFile: string | undefined;
  password: SecretRef | undefined;
  protocols: readonly TlsProtocol[];
  ciphers: string | undefined;
  line: number;
}

export interface LinkRouteConfig extends LinkRouteSpec {
  line: number;
}

export interface LogConfig {
  module: LogModule;
  /** As written, e.g. `info+`. */
  enable: string;
  /** `enable` expanded: `info+` → info, notice, warning, error, critical; `none` → []. */
  levels: readonly LogLevel[];
  line: number;
}

export interface PolicyConfig {
  maxConnections: number;
  line: number;
}

/** Ours: devices on a serial line (the reliable serial link of hardware/). */
export interface SerialListenerConfig {
  name: string;
  device: string;
  baud: number;
  line: number;
}

/** Ours: the HTTP management endpoint (stat JSON, Prometheus metrics); absent section = not started. */
export interface ManagementConfig {
  host: string;
  port: number;
  line: number;
}

export interface EffectiveConfig {
  file: string;
  router: RouterConfig;
  listeners: readonly ListenerConfig[];
  serialListeners: readonly SerialListenerConfig[];
  connectors: readonly ConnectorConfig[];
  sslProfiles: readonly SslProfileConfig[];
  linkRoutes: readonly LinkRouteConfig[];
  logs: readonly LogConfig[];
  policy: PolicyConfig;
  management: ManagementConfig | undefined;
}

export interface LoadedConfig {
  config: EffectiveConfig;
  warnings: readonly ConfigWarning[];
}
