// The tokens one connection holds (issue 3 item 4): CBS put-token anchors a Grant per audience;
// a later token for the same audience replaces it (the SDKs renew every 45 min on the same link,
// reference/iot-hub-amqp.md §2.5). Handlers ask `authorize(resource, right)` at attach time and
// register the link with `require(...)` so that it is detached when no valid token covers it any
// more (real IoT Hub drops what an expired token carried, §2.5).
//
// Contract: single-threaded, no I/O. `sweep(nowMs)` is called by the server's timer; it expires
// grants and calls each lost dependent's `onLost` exactly once.
import { audienceCovers } from '../../protocol/sas.js';
import { HubError } from '../errors.js';
import type { Right } from '../store/registry.js';

export interface Grant {
  /** Canonical audience (auth/audience.ts). */
  audience: string;
  /** ms since the epoch. */
  expiresAt: number;
  rights: readonly Right[];
  /** `device`: a device-scope token signed with the device key; `hub`: a policy token. */
  scope: 'device' | 'hub';
  deviceId?: string;
  policy?: string;
}

interface Dependent { resource: string; right: Right; onLost: () => void; stillValid: () => boolean }

export class AuthContext {
  private readonly grants = new Map<string, Grant>();
  private readonly dependents = new Set<Dependent>();

  constructor(private readonly now: () => number, private readonly maxTokens = Infinity) {}

  /** Anchors (or renews) the token for its audience; a new audience beyond `maxTokens` → HubError('resource-limit'). */
  anchor(grant: Grant): void {
    if (!this.grants.has(grant.audience) && this.grants.size >= this.maxTokens) {
      this.dropExpired();
      if (this.grants.size >= this.maxTokens) throw new HubError('resource-limit', `this connection holds ${this.maxTokens} tokens, the most it may: open another connection`);
    }
    this.grants.set(grant.audience, grant);
  }

  /**
   * The unexpired grant covering `resource` with `right`, narrowest audience first, if any.
   * Audiences and resources are both canonical (auth/audience.ts), so the candidates are the
   * resource's whole-segment prefixes, looked up directly: a gateway connection holding a token
   * per device stays O(path depth) per check, not O(tokens).
   */
  authorize(resource: string, right: Right): Grant | undefined {
    const now = this.now();
    const segments = resource.split('/');
    for (let n = segments.length; n >= 1; n--) {
      const grant = this.grants.get(segments.slice(0, n).join('/'));
      if (grant && grant.expiresAt > now && grant.rights.includes(right) && audienceCovers(grant.audience, resource)) return grant;
    }
    return undefined;
  }

  /**
   * Authorizes and keeps watching: `onLost` runs once when no grant covers `resource` any more,
   * or when `stillValid()` (checked at each sweep, e.g. "the device is still enabled") is false.
   * Returns the grant and a release function (call it when the link closes), or undefined.
   */
  require(
    resource: string,
    right: Right,
    onLost: () => void,
    stillValid: () => boolean = () => true,
  ): { grant: Grant; release: () => void } | undefined {
    const grant = this.authorize(resource, right);
    if (!grant) return undefined;
    const dependent: Dependent = { resource, right, onLost, stillValid };
    this.dependents.add(dependent);
    return { grant, release: () => this.dependents.delete(dependent) };
  }

  sweep(): void {
    this.dropExpired();
    for (const d of [...this.dependents]) {
      if (this.authorize(d.resource, d.right) && d.stillValid()) continue;
      this.dependents.delete(d);
      d.onLost();
    }
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [audience, g] of this.grants) if (g.expiresAt <= now) this.grants.delete(audience);
  }

  get tokenCount(): number {
    return this.grants.size;
  }
}
