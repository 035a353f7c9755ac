// Attach-time authorization of a device's own links (device-events.ts, device-bound.ts; issue 3
// items 5, 7): the connection must hold a valid token covering `<host>/devices/<id>` with
// DeviceConnect (a device-scope token or a policy such as `device` / `iothubowner`), and the
// device must be registered (amqp:not-found) and enabled (amqp:unauthorized-access). The link is
// detached with amqp:unauthorized-access when no token covers it any more, or when the registry
// row, re-read at each token sweep, says disabled or gone (`fogbridge hub device disable|remove`
// acts on live links).
import { resources } from '../auth/audience.js';
import type { Grant } from '../auth/auth-context.js';
import { HubError } from '../errors.js';
import type { Device } from '../store/registry.js';
import { toAmqpError } from './conditions.js';
import type { Attach, HubServices } from './link-handler.js';
import type { Link } from './rhea-links.js';

/** Throws HubError to refuse; the token stays watched until the link goes. */
export function authorizeDeviceLink(services: HubServices, link: Link, attach: Attach<'device-events'> | Attach<'device-bound'>): { device: Device; grant: Grant } {
  const { deviceId } = attach.address;
  const resource = resources.device(services.identity, deviceId);
  const lost = (): void => {
    link.close(toAmqpError(new HubError('unauthorized', `the token for ${resource} expired, or device ${deviceId} was disabled or removed`)));
  };
  const enabled = (): boolean => services.registry.device(deviceId)?.status === 'enabled';
  const held = attach.connection.auth.require(resource, 'DeviceConnect', lost, enabled);
  if (!held) throw new HubError('unauthorized', `put a token for ${resource} on $cbs before attaching ${attach.rawAddress}`);
  attach.connection.track(link, held.release);
  const device = services.registry.device(deviceId);
  if (!device) throw new HubError('not-found', `device ${deviceId} is not registered`);
  if (device.status !== 'enabled') throw new HubError('unauthorized', `device ${deviceId} is disabled`);
  return { device, grant: held.grant };
}
