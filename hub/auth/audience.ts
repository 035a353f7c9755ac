// The hub's own names in SAS audiences (issue 3 item 4; reference/iot-hub-amqp.md §1.2, §3.3).
// The SDKs put whatever host[:port] they dialled into `sr`: the device SDK strict-encodes it, the
// service SDK sends it raw, Event Hubs prefixes `sb://`. The port may or may not be present.
// `canonicalAudience` maps every accepted spelling to one form, `<hostname>/<path>`, with the
// configured host name, so grants and the resources handlers ask about compare directly.
export interface HubIdentity {
  /** The host name clients dial and certificates name (`--hostname`). */
  hostname: string;
  /** The AMQP/TLS port actually listened on. */
  port: number;
  /** The plain-AMQP port, when listened on: Event Hubs emulator-mode clients put it in `sb://` audiences (§1.3). */
  plainPort?: number;
  /** Other names this hub answers to (the certificate's SANs). */
  aliases: readonly string[];
}

const SPLIT = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(\[[^\]]*\]|[^/:]*)(?::(\d+))?(\/.*)?$/i;

/** `<hostname>/<path>` without scheme, port or trailing `/`; undefined when not this hub. */
export function canonicalAudience(audience: string, hub: HubIdentity): string | undefined {
  const m = SPLIT.exec(audience);
  if (!m) return undefined;
  const host = m[1]!.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = m[2] === undefined ? undefined : Number(m[2]);
  const names = [hub.hostname, ...hub.aliases].map((n) => n.toLowerCase());
  if (!names.includes(host)) return undefined;
  if (port !== undefined && port !== hub.port && port !== hub.plainPort && port !== 5671) return undefined;
  return `${hub.hostname.toLowerCase()}${(m[3] ?? '').replace(/\/+$/, '')}`;
}

/** Resources handlers authorize against (the same canonical form). */
export const resources = {
  hub: (hub: HubIdentity): string => hub.hostname.toLowerCase(),
  device: (hub: HubIdentity, deviceId: string): string => `${hub.hostname.toLowerCase()}/devices/${deviceId}`,
  /** Event Hubs entity paths, e.g. `<name>/ConsumerGroups/$Default/Partitions/0` or `<name>/$management`. */
  eventHub: (hub: HubIdentity, path: string): string => `${hub.hostname.toLowerCase()}/${path}`,
};
