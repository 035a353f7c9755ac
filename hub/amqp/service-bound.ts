// The service's C2D sender on `/messages/devicebound` (issue 3 item 7; reference/iot-hub-amqp.md
// §5.1, §7). The hub receives.
// - Attach: a valid token covering the hub with ServiceConnect (`service` or `iothubowner`
//   policy); detached (amqp:unauthorized-access) when it expires.
// - Each message names its device in `to` (amqp/c2d-message.ts). Rejected with: a bad `to` or
//   `iothub-ack` → amqp:invalid-field; unknown device → amqp:not-found (DeviceNotFoundError);
//   > 64 KB → amqp:link:message-size-exceeded; a full queue (50) → amqp:resource-limit-exceeded
//   (the service SDK's DeviceMaximumQueueDepthExceededError). Otherwise `accepted` only after the
//   command is committed to the device's queue (DESIGN.md decision 6).
// - Credit: a window of SERVICE_CREDIT, one returned per settled message.
import type { Delivery, Message, Receiver } from 'rhea';
import { resources } from '../auth/audience.js';
import { HubError } from '../errors.js';
import { commandFromService } from './c2d-message.js';
import { toAmqpError } from './conditions.js';
import type { Attach, HandlerFactory } from './link-handler.js';

const SERVICE_CREDIT = 100;

export const serviceBoundHandler: HandlerFactory<'service-bound'> = (services) => ({
  receiver(link: Receiver, attach: Attach<'service-bound'>) {
    const { connection } = attach;
    const resource = resources.hub(services.identity);
    const lost = (): void => {
      link.close(toAmqpError(new HubError('unauthorized', `the token for ${resource} expired or was replaced by one that does not cover it`)));
    };
    const held = connection.auth.require(resource, 'ServiceConnect', lost);
    if (!held) throw new HubError('unauthorized', `put a token with ServiceConnect for ${resource} on $cbs before attaching ${attach.rawAddress}`);
    connection.track(link, held.release);

    link.add_credit(SERVICE_CREDIT);
    link.on('message', ({ message, delivery }: { message: Message; delivery: Delivery }) => {
      const settle = (error?: unknown): void => {
        if (!connection.isOpen || !link.is_open()) return; // unsettled: the service SDK sends again
        if (error !== undefined) delivery.reject(toAmqpError(error));
        else if (delivery.remote_settled) delivery.update(true);
        else delivery.accept();
        link.add_credit(1);
      };
      try {
        const command = commandFromService(message, services.now(), services.c2d.options);
        if (!services.registry.device(command.deviceId)) throw new HubError('not-found', `device ${command.deviceId} is not registered`);
        services.c2d.commands.enqueue(command).then(() => settle(), (error: unknown) => settle(error));
      } catch (error) {
        settle(error);
      }
    });
  },
});
