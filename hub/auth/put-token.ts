// Verifies one CBS put-token (issue 3 item 4; reference/iot-hub-amqp.md §2.2, §3). The result is a
// Grant to anchor on the connection, or a HubError (amqp/conditions.ts turns it into 401/404).
//
// - The audience is the token's `sr`, decoded; the host may carry the hub's port or not
//   (auth/audience.ts). A host that is not this hub: not-found (404).
// - `skn` present: a policy token. `sb://` audiences (Event Hubs, §3.2) are signed with the key's
//   text ('eventhub' convention), all others with the decoded key ('iothub'). Primary or
//   secondary key. Rights are the policy's.
// - No `skn`: a device-scope token for `<host>/devices/<id>`, signed with the device's primary or
//   secondary key. Unknown device: 404; disabled: 401. The registry row is read on every call, so
//   `fogbridge hub device disable` takes effect at the next token.
import { parseSasToken, verifySasToken, SasError, type KeyConvention, type SasToken } from '../../protocol/sas.js';
import { HubError } from '../errors.js';
import type { Registry } from '../store/registry.js';
import type { Grant } from './auth-context.js';
import { canonicalAudience, type HubIdentity } from './audience.js';

export interface PutTokenInput {
  /** The request's `name` application property (informational: the token's `sr` decides). */
  name: string;
  token: string;
}

const DEVICE_AUDIENCE = /^[^/]+\/devices\/([^/]+)$/;

export function verifyPutToken(input: PutTokenInput, hub: HubIdentity, registry: Registry, nowMs: number): Grant {
  let token: SasToken;
  try {
    token = parseSasToken(input.token);
  } catch (cause) {
    throw new HubError('unauthorized', `the token is not a SharedAccessSignature: ${(cause as Error).message}`, { cause });
  }
  const audience = canonicalAudience(token.audience, hub);
  if (audience === undefined) {
    throw new HubError('not-found', `audience ${token.audience} is not on this hub (${hub.hostname}:${hub.port})`);
  }
  const nowSeconds = Math.floor(nowMs / 1000);
  if (token.skn !== undefined) {
    const policy = registry.policy(token.skn);
    if (!policy) throw new HubError('unauthorized', `no shared access policy named ${token.skn}`);
    const convention: KeyConvention = /^sb:\/\//i.test(token.audience) ? 'eventhub' : 'iothub';
    verifyWithEither(token, [policy.primaryKey, policy.secondaryKey], convention, nowSeconds);
    return { audience, expiresAt: token.se * 1000, rights: policy.rights, scope: 'hub', policy: policy.name };
  }
  const deviceId = DEVICE_AUDIENCE.exec(audience)?.[1];
  if (deviceId === undefined) {
    throw new HubError('unauthorized', `a token without skn must be for <host>/devices/<id>, not ${token.audience}`);
  }
  const device = registry.device(deviceId);
  if (!device) throw new HubError('not-found', `device ${deviceId} is not registered (fogbridge hub device add ${deviceId})`);
  if (device.status !== 'enabled') throw new HubError('unauthorized', `device ${deviceId} is disabled`);
  verifyWithEither(token, [device.primaryKey, device.secondaryKey], 'iothub', nowSeconds);
  return { audience, expiresAt: token.se * 1000, rights: ['DeviceConnect'], scope: 'device', deviceId };
}

function verifyWithEither(token: SasToken, keys: string[], convention: KeyConvention, nowSeconds: number): void {
  let last: unknown;
  for (const key of keys) {
    try {
      verifySasToken(token, key, convention, nowSeconds);
      return;
    } catch (error) {
      if (!(error instanceof SasError)) throw error;
      last = error;
      if (error.code === 'expired') break; // the signature matched: the other key cannot help
    }
  }
  throw new HubError('unauthorized', (last as SasError).message, { cause: last });
}
