// C2D delivery on `/devices/<id>/messages/devicebound` (issue 3 item 7; reference/iot-hub-amqp.md
// §4.1, §4.3). The hub sends; the queue behaviour is c2d/command-queues.ts.
// - Attach: a valid token covering `<host>/devices/<id>` with DeviceConnect (the device's own or
//   a policy); the device must exist (amqp:not-found) and be enabled (amqp:unauthorized-access);
//   detached (amqp:unauthorized-access) when the token expires or the device is disabled/removed.
// - One active receiver per device: a new attach takes over and the previous link is detached
//   with amqp:link:stolen. The device SDK reports a C2D detach as an error event and does not
//   re-attach by itself, so two clients of one device do not steal the link back and forth
//   (amqp:link:detach-forced would read as a retryable ServiceUnavailableError, §4.5).
// - Delivery: oldest first, as credit allows, each as the stored message with a 16-byte lock
//   token as the delivery tag (AMQP allows ≤ 32 bytes). New commands go out as soon as committed.
// - Outcomes: accepted → complete, rejected → reject, released/modified → abandon (rhea also
//   reports modified as released: the first outcome of a delivery counts, later ones are
//   ignored). Unsettled deliveries of a link that goes return to the queue, not counted.
import type { Delivery, EventContext, Sender } from 'rhea';
import { resources } from '../auth/audience.js';
import { HubError } from '../errors.js';
import type { Settlement } from '../c2d/command-queues.js';
import { toAmqpError } from './conditions.js';
import type { Attach, HandlerFactory } from './link-handler.js';
import { isAttachSent } from './rhea-links.js';

export const deviceBoundHandler: HandlerFactory<'device-bound'> = (services) => {
  const active = new Map<string, Sender>();
  const { commands } = services.c2d;
  return {
    sender(link: Sender, attach: Attach<'device-bound'>) {
      const { deviceId } = attach.address;
      const { connection } = attach;
      const resource = resources.device(services.identity, deviceId);
      const lost = (): void => {
        link.close(toAmqpError(new HubError('unauthorized', `the token for ${resource} expired, or device ${deviceId} was disabled or removed`)));
      };
      // As device-events.ts: the registry row is re-read at each token sweep.
      const enabled = (): boolean => services.registry.device(deviceId)?.status === 'enabled';
      const held = connection.auth.require(resource, 'DeviceConnect', lost, enabled);
      if (!held) throw new HubError('unauthorized', `put a token for ${resource} on $cbs before attaching ${attach.rawAddress}`);
      const device = services.registry.device(deviceId);
      if (!device) {
        held.release();
        throw new HubError('not-found', `device ${deviceId} is not registered`);
      }
      if (device.status !== 'enabled') {
        held.release();
        throw new HubError('unauthorized', `device ${deviceId} is disabled`);
      }

      const previous = active.get(deviceId);
      active.set(deviceId, link);
      previous?.close(toAmqpError(new HubError('link-stolen', `another receiver of ${deviceId}'s commands attached; this one was detached`)));

      const unsettled = new Map<Delivery, Buffer>();
      const pump = (): void => {
        // isAttachSent: a peer's attach + flow in one burst makes the link sendable before the
        // hub's attach reply is written; a transfer then would name an unknown handle (§2.6.3).
        while (isAttachSent(link) && link.is_open() && link.sendable()) {
          const command = commands.lockNext(deviceId);
          if (!command) return;
          unsettled.set(link.send(command.bytes, command.lockToken, 0), command.lockToken);
        }
      };
      const outcome = (settlement: Settlement) => (context: EventContext): void => {
        const lockToken = context.delivery ? unsettled.get(context.delivery) : undefined;
        if (!lockToken) return;
        unsettled.delete(context.delivery!);
        commands.settle(lockToken, settlement);
      };
      link.on('sendable', pump);
      link.on('accepted', outcome('complete'));
      link.on('rejected', outcome('reject'));
      link.on('released', outcome('abandon'));
      link.on('modified', outcome('abandon'));
      const unsubscribe = commands.onAvailable((id) => {
        if (id === deviceId) pump();
      });
      setImmediate(pump); // after the attach answer is written: credit may have come with the attach
      connection.track(link, () => {
        held.release();
        unsubscribe();
        if (active.get(deviceId) === link) active.delete(deviceId);
        for (const lockToken of unsettled.values()) commands.unlock(lockToken);
        unsettled.clear();
      });
    },
  };
};
