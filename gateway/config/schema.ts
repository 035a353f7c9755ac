// The entities and attributes fogbridge reads: a subset of qdrouterd 1.x's schema
// (reference/qdrouterd.md §1.2) plus our documented additions (gateway/README.md "Configuration").
// Names are canonical camelCase; `aliases` are older spellings renamed with a warning (§1.1
// deprecationName, §1.4 0.6-era names); `ignored` are real qdrouterd attributes this gateway has
// no use for: accepted with a warning so that a working qdrouterd file still loads.

export type AttributeType =
  | { kind: 'string' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[]; valueAliases?: Record<string, string> }
  | { kind: 'port' }
  | { kind: 'list' }
  | { kind: 'secret' };

export interface AttributeSpec {
  type: AttributeType;
  default?: string | number | boolean | readonly string[];
  required?: boolean;
  /** One line for README and `--check`. */
  doc: string;
}

export interface Alias {
  to: string;
  /** `0.6`: refused by qdrouterd 1.x, accepted here (§1.4); `deprecated`: 1.x accepts it too. */
  era: '0.6' | 'deprecated';
}

export interface EntitySpec {
  attributes: Record<string, AttributeSpec>;
  aliases: Record<string, Alias>;
  ignored: readonly string[];
  singleton: boolean;
  /** Our addition, not a qdrouterd entity. */
  ours?: boolean;
}

const str = (doc: string, extra: Partial<AttributeSpec> = {}): AttributeSpec => ({ type: { kind: 'string' }, doc, ...extra });
const int = (doc: string, def: number, min = 0, max = 2 ** 31 - 1): AttributeSpec => ({ type: { kind: 'integer', min, max }, default: def, doc });
const bool = (doc: string, def: boolean): AttributeSpec => ({ type: { kind: 'boolean' }, default: def, doc });
const oneOf = (values: readonly string[], def: string | undefined, doc: string, valueAliases?: Record<string, string>): AttributeSpec => ({
  type: { kind: 'enum', values, ...(valueAliases ? { valueAliases } : {}) },
  ...(def === undefined ? {} : { default: def }),
  doc,
});
const port = (doc: string): AttributeSpec => ({ type: { kind: 'port' }, default: 5672, doc });
const list = (doc: string): AttributeSpec => ({ type: { kind: 'list' }, doc });
const name = str('unique name; what other entities use to refer to this one');

export const CONNECTION_ROLES = ['normal', 'inter-router', 'route-container', 'edge'] as const;
export const LOG_MODULES = [
  'ROUTER', 'ROUTER_CORE', 'ROUTER_HELLO', 'ROUTER_LS', 'ROUTER_MA', 'MESSAGE', 'SERVER', 'AGENT',
  'AUTHSERVICE', 'CONTAINER', 'ERROR', 'POLICY', 'HTTP', 'CONN_MGR', 'PYTHON', 'PROTOCOL', 'DEFAULT',
] as const;

const HTTP_AND_ROUTER_NETWORK = ['cost', 'stripAnnotations', 'linkCapacity', 'maxSessionFrames', 'messageLoggingComponents', 'logMessage'];

export const SCHEMA: Record<string, EntitySpec> = {
  router: {
    singleton: true,
    attributes: {
      id: str('router identity and the AMQP container-id in every Open we send', { default: 'fogbridge-gateway' }),
      mode: oneOf(['standalone', 'interior', 'edge'], 'standalone', 'only standalone: a gateway needs no routing protocol'),
    },
    aliases: { routerId: { to: 'id', era: '0.6' }, containerName: { to: 'id', era: '0.6' } },
    ignored: [
      'workerThreads', 'helloIntervalSeconds', 'helloMaxAgeSeconds', 'raIntervalSeconds', 'raIntervalFluxSeconds',
      'remoteLsMaxAgeSeconds', 'helloInterval', 'helloMaxAge', 'raInterval', 'raIntervalFlux', 'remoteLsMaxAge',
      'saslConfigDir', 'saslConfigPath', 'saslConfigName', 'debugDumpFile', 'debugDump', 'allowResumableLinkRoute',
      'defaultDistribution', 'timestampsInUTC', 'timestampFormat', 'allowUnsettledMulticast', 'metadata',
    ],
  },
  listener: {
    singleton: false,
    attributes: {
      name,
      host: str('local address to listen on; empty = all addresses', { default: '' }),
      port: port('number, `amqp` (5672) or `amqps` (5671); 0 = any free port'),
      role: oneOf(CONNECTION_ROLES, 'normal', 'devices connect as `normal`, the only role a gateway listener takes'),
      authenticatePeer: bool('require SASL authentication of the device', false),
      saslMechanisms: list('allowed SASL mechanisms, space-separated (0.6: comma-separated)'),
      sslProfile: str('name of an sslProfile with certFile and privateKeyFile: TLS on this listener'),
      requireSsl: bool('with an sslProfile: refuse plain AMQP (false = the port takes both)', false),
      idleTimeoutSeconds: int('close a connection silent this long; half is advertised in Open', 16),
      initialHandshakeTimeoutSeconds: int('close a connection that sends no Open in time; 0 = off', 0),
      maxFrameSize: int('max-frame-size offered in Open (AMQP minimum 512)', 16384, 512),
      maxSessions: int('channel-max + 1 offered in Open', 32768, 1, 65536),
    },
    aliases: { addr: { to: 'host', era: '0.6' } },
    ignored: [
      ...HTTP_AND_ROUTER_NETWORK, 'socketAddressFamily', 'protocolFamily', 'requireEncryption', 'saslPlugin',
      'multiTenant', 'policyVhost', 'failoverUrls', 'failoverList', 'openProperties', 'http', 'websockets',
      'healthz', 'metrics', 'httpRootDir', 'trustedCertsFile',
    ],
  },
  connector: {
    singleton: false,
    attributes: {
      name,
      host: str('the hub; also the Open hostname, TLS SNI and the name verifyHostname checks', { default: '127.0.0.1' }),
      port: port('number, `amqp` (5672) or `amqps` (5671); IoT Hub: 5671'),
      role: oneOf(CONNECTION_ROLES, 'normal', 'must be `route-container` for link routes (0.6: `on-demand`)', {
        'on-demand': 'route-container',
      }),
      saslMechanisms: list('SASL mechanisms to offer; IoT Hub CBS needs ANONYMOUS'),
      sslProfile: str('name of an sslProfile: TLS to the hub'),
      verifyHostname: bool('check the hub certificate against host', true),
      idleTimeoutSeconds: int('close the upstream connection silent this long', 16),
      maxFrameSize: int('max-frame-size offered in Open', 16384, 512),
      maxSessions: int('channel-max + 1 offered in Open', 32768, 1, 65536),
      cbsProxy: bool('fogbridge: answer devices\' $cbs links in the gateway and forward put-token upstream', true),
      deviceAuthorization: oneOf(['per-device', 'off'], 'per-device', 'fogbridge: `per-device` = attach devices/<id>/… only with a hub-accepted token for <id>; `off` = plain link routing'),
      allowPolicyTokens: bool('fogbridge: a hub-accepted policy-scope token (sr=<hub>/devices) authorizes every device on that connection', false),
      maxDevicesPerConnection: int('fogbridge: devices per upstream connection before the pool opens another', 900, 1, 1000),
    },
    aliases: { addr: { to: 'host', era: '0.6' }, verifyHostName: { to: 'verifyHostname', era: 'deprecated' } },
    ignored: [
      ...HTTP_AND_ROUTER_NETWORK, 'protocolFamily', 'socketAddressFamily', 'saslUsername', 'saslPassword',
      'allowRedirect', 'policyVhost', 'openProperties', 'failoverUrls',
    ],
  },
  sslProfile: {
    singleton: false,
    attributes: {
      name: str('what listener/connector sslProfile refers to', { required: true }),
      caCertFile: str('PEM file of trusted CAs (absent: Node\'s default roots for a connector)'),
      certFile: str('our certificate (PEM); required on a listener\'s profile'),
      privateKeyFile: str('our private key (PEM); required with certFile'),
      password: { type: { kind: 'secret' }, doc: 'key password: `env:VAR`, `file:/path`, `pass:text`, `literal:text` or text' },
      protocols: list('allowed TLS versions, space-separated: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3'),
      ciphers: str('OpenSSL cipher string'),
    },
    aliases: { certDb: { to: 'caCertFile', era: 'deprecated' }, keyFile: { to: 'privateKeyFile', era: 'deprecated' } },
    ignored: ['uidFormat', 'uidNameMappingFile', 'displayNameFile'],
  },
  linkRoute: {
    singleton: false,
    attributes: {
      name,
      prefix: str('address prefix; means the pattern `<prefix>/#`'),
      pattern: str('wildcard pattern: tokens split by / or ., `*` one token, `#` zero or more'),
      direction: { ...oneOf(['in', 'out'], undefined, '`in` = device senders (target), `out` = device receivers (source)'), required: true },
      connection: str('name of the connector whose connections carry the routed links'),
      containerId: str('alternative to connection: the peer container-id from its Open'),
      addExternalPrefix: str('prepended to the address on the upstream attach'),
      delExternalPrefix: str('removed from the start of the address on the upstream attach'),
      distribution: oneOf(['linkBalanced'], 'linkBalanced', 'the only value'),
    },
    aliases: { dir: { to: 'direction', era: 'deprecated' } },
    ignored: [],
  },
  log: {
    singleton: false,
    attributes: {
      module: { ...oneOf(LOG_MODULES, undefined, 'qdrouterd module name; DEFAULT sets every module'), required: true },
      enable: str('levels: comma list of trace,debug,info,notice,warning,error,critical; `x+` = x and above; none', { default: 'info+' }),
    },
    aliases: {},
    ignored: ['includeTimestamp', 'includeSource', 'outputFile', 'timestamp', 'source', 'output'],
  },
  policy: {
    singleton: true,
    attributes: { maxConnections: int('device connections accepted at once, all listeners together', 65535) },
    aliases: {},
    ignored: ['maxMessageSize', 'enableVhostPolicy', 'enableVhostNamePatterns', 'policyDir', 'defaultVhost'],
  },
  serialListener: {
    singleton: false,
    ours: true,
    attributes: {
      name,
      device: str('serial device path, e.g. /dev/ttyUSB0', { required: true }),
      baud: int('line speed in bit/s', 115200, 300, 4_000_000),
    },
    aliases: {},
    ignored: [],
  },
  management: {
    singleton: true,
    ours: true,
    attributes: {
      host: str('address the HTTP management endpoint binds; keep loopback unless a firewall guards it', { default: '127.0.0.1' }),
      port: { type: { kind: 'port' }, default: 8672, doc: 'HTTP port of /stat/* (JSON) and /metrics (Prometheus); 0 = any free port' },
    },
    aliases: {},
    ignored: [],
  },
};

/** qdrouterd sections fogbridge does not implement (message routing, router networks, vhosts). */
export const IGNORED_SECTIONS = ['address', 'autoLink', 'exchange', 'binding', 'vhost', 'authServicePlugin', 'tcpListener', 'tcpConnector', 'httpListener', 'httpConnector'];

/** Section names every error may suggest: ours and the accepted 0.6 ones. */
export const SECTION_NAMES = [...Object.keys(SCHEMA), 'container', 'linkRoutePattern'];
