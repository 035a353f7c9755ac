// C2D delivery on `/devices/<id>/messages/devicebound` (issue 3 item 7; reference/iot-hub-amqp.md
// §4.1, §4.3). The hub sends; the queue behaviour is c2d/command-queues.ts.
// - Attach: device-link.ts (a DeviceConnect token for the device; registered and enabled).
// - One active receiver per device: a new attach takes over and the previous link is detached
//   with amqp:link:stolen. The device SDK reports a C2D detach as an error event and does not
//   re-attach by itself, so two clients of one device do not steal the link back and forth
//   (amqp:link:detach-forced would read as a retryable ServiceUnavailableError, §4.5).
// - Delivery: oldest first, as credit allows, each as the stored message with a 16-byte lock
//   token as the delivery tag (AMQP allows ≤ 32 bytes). New commands go out as soon as committed.
// - Outcomes: accepted → complete, rejected → reject, released/modified → abandon (rhea also
//   reports modified as released: the first outcome of a delivery counts, later ones are
//   ignored). Unsettled deliveries of a link that goes return to the queue, not counted
//   (outgoing.ts: credit, the attach reply first, outcomes, unlock).
import type { Sender } from 'rhea';
import type { Settlement } from '../c2d/command-queues.js';
import { HubError } from '../errors.js';
import { toAmqpError } from './conditions.js';
import { authorizeDeviceLink } from './device-link.js';
import type { Attach, HandlerFactory } from './link-handler.js';
import { serveOutgoing, type Outcome } from './outgoing.js';

const SETTLEMENT: Record<Outcome, Settlement> = { accepted: 'complete', rejected: 'reject', released: 'abandon', modified: 'abandon' };

export const deviceBoundHandler: HandlerFactory<'device-bound'> = (services) => {
  const active = new Map<string, Sender>();
  const { commands } = services.c2d;
  return {
    sender(link: Sender, attach: Attach<'device-bound'>) {
      const { deviceId } = attach.address;
      authorizeDeviceLink(services, link, attach);

      const previous = active.get(deviceId);
      active.set(deviceId, link);
      previous?.close(toAmqpError(new HubError('link-stolen', `another receiver of ${deviceId}'s commands attached; this one was detached`)));

      const pump = serveOutgoing(
        link,
        attach.connection,
        {
          take: () => {
            const command = commands.lockNext(deviceId);
            return command && { message: command.bytes, tag: command.lockToken, key: command.lockToken };
          },
          settle: (lockToken, outcome) => void commands.settle(lockToken, SETTLEMENT[outcome]),
          unlock: (lockToken) => commands.unlock(lockToken),
        },
        () => {
          unsubscribe();
          if (active.get(deviceId) === link) active.delete(deviceId);
        },
      );
      const unsubscribe = commands.onAvailable((id) => {
        if (id === deviceId) pump();
      });
    },
  };
};
