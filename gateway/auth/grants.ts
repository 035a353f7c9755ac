// Per-device authorization (DESIGN decision 5; qdrouterd.md §5.2-§5.3): what one downstream
// connection has proved. A grant is a SAS token the hub accepted (status 200) for this connection;
// it covers the token's audience (whole-segment prefix, iot-hub-amqp.md §3.3) until `se`, and
// ends with the connection (the owner drops the DeviceGrants object).
//
// Rule for an attach to address A (scheme/host and leading `/` removed):
//   - a device address (`devices/<id>/...`) needs an unexpired grant that covers
//     `<hub>/devices/<id>`, where the grant is device-scope (`<hub>/devices/<id>`) or, only when
//     the connector allows policy tokens, policy-scope (`<hub>` or `<hub>/devices`);
//   - a device-scoped address that parseAddress does not know (twin, methods, modules) is refused:
//     the gateway cannot tell whose it is;
//   - any other address needs an unexpired grant covering `<hub>/<A>`.
// Pure: time is a parameter.
import { audienceCovers, parseSasToken, type SasToken } from '../../protocol/sas.js';
import { parseAddress } from '../../protocol/address.js';

export interface Grant {
  token: SasToken;
  /** The token text, kept to replay it on a new upstream connection. */
  raw: string;
  /** The CBS `name` and `type` the device sent with it. */
  name: string;
  type: string;
}

export type AuthDecision = { allowed: true } | { allowed: false; why: string };

const hostOf = (audience: string): string => audience.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!;
const pathOf = (address: string): string => address.replace(/^amqps?:\/\/[^/]*/i, '').replace(/^\//, '');

/** Whether the token names a single device (`<hub>/devices/<id>[/...]`) rather than a policy scope. */
function isDeviceScope(t: SasToken): boolean {
  const parts = t.audience.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '').split('/');
  return parts.length >= 3 && parts[1]!.toLowerCase() === 'devices';
}

/** The device id an address belongs to; null when it is not a device address; undefined when device-scoped but unknown. */
function deviceOf(address: string): string | null | undefined {
  try {
    const a = parseAddress(address);
    return 'deviceId' in a ? a.deviceId : null;
  } catch {
    return /^devices\//i.test(pathOf(address)) ? undefined : null;
  }
}

export class DeviceGrants {
  private readonly grants: Grant[] = [];

  /** Record a token the hub accepted; throws SasError when it does not parse (the caller logs it). */
  add(raw: string, name: string, type: string): Grant {
    const grant = { token: parseSasToken(raw), raw, name, type };
    const i = this.grants.findIndex((g) => g.token.audience.toLowerCase() === grant.token.audience.toLowerCase());
    if (i >= 0) this.grants.splice(i, 1);
    this.grants.push(grant);
    return grant;
  }

  /** Drop grants the hub no longer holds (e.g. after the upstream connection was lost and a replay failed). */
  remove(grant: Grant): void {
    const i = this.grants.indexOf(grant);
    if (i >= 0) this.grants.splice(i, 1);
  }

  /** Who the unexpired grants name: device ids for device-scope tokens, the audience for policy scope (management, logs). */
  subjects(nowMs: number): string[] {
    return [...new Set(this.live(nowMs).map((g) => /\/devices\/([^/]+)/i.exec(g.token.audience)?.[1] ?? g.token.audience))];
  }

  /** Unexpired grants, e.g. to replay on a new upstream connection. */
  live(nowMs: number): Grant[] {
    return this.grants.filter((g) => g.token.se * 1000 > nowMs);
  }

  /** The earliest expiry (ms) among grants covering `address`, for ending its links on time. */
  expiryFor(address: string, nowMs: number, allowPolicyTokens: boolean): number | undefined {
    const covering = this.live(nowMs).filter((g) => this.covers(g, address, allowPolicyTokens));
    return covering.length ? Math.max(...covering.map((g) => g.token.se * 1000)) : undefined;
  }

  check(address: string, nowMs: number, allowPolicyTokens: boolean): AuthDecision {
    const device = deviceOf(address);
    if (device === undefined) {
      return { allowed: false, why: `address ${JSON.stringify(address)} is device-scoped but not a device address the gateway can authorize (only /devices/<id>/messages/events and /devices/<id>/messages/devicebound)` };
    }
    const subject = device === null ? `address ${JSON.stringify(address)}` : `device ${JSON.stringify(device)}`;
    if (this.grants.length === 0) return { allowed: false, why: `no token accepted on this connection: put-token for ${subject} on $cbs first` };
    const matching = this.grants.filter((g) => this.covers(g, address, true));
    if (matching.length === 0) return { allowed: false, why: `no token accepted on this connection covers ${subject}; tokens held: ${this.grants.map((g) => g.token.audience).join(', ')}` };
    const usable = matching.filter((g) => this.covers(g, address, allowPolicyTokens));
    if (usable.length === 0) return { allowed: false, why: `only a policy-scope token covers ${subject}, and this connector does not allow policy tokens to act for devices` };
    if (usable.every((g) => g.token.se * 1000 <= nowMs)) {
      return { allowed: false, why: `the token for ${subject} expired at ${new Date(Math.max(...usable.map((g) => g.token.se)) * 1000).toISOString()}: put a new one` };
    }
    return { allowed: true };
  }

  private covers(g: Grant, address: string, allowPolicyTokens: boolean): boolean {
    const device = deviceOf(address);
    const host = hostOf(g.token.audience);
    if (device === null) return audienceCovers(g.token.audience, `${host}/${pathOf(address)}`);
    if (device === undefined) return false;
    if (!isDeviceScope(g.token) && !allowPolicyTokens) return false;
    return audienceCovers(g.token.audience, `${host}/devices/${device}`);
  }
}
