// Device telemetry on `/devices/<id>/messages/events` (issue 3 item 5; reference/iot-hub-amqp.md
// §4.1, §4.2, §7). The hub receives.
// - Attach: device-link.ts (a DeviceConnect token covering `<host>/devices/<id>`; the device
//   registered and enabled; detached when the token expires or the device is disabled/removed).
// - Each message: > maxMessageBytes → rejected, amqp:link:message-size-exceeded. Otherwise
//   stamped (telemetry/stamp.ts), appended to partition hash(device id), and `accepted` only
//   after the commit (DESIGN.md decision 6); a failed commit → rejected amqp:internal-error.
//   Never released or modified: the device SDK takes released for success and hangs on
//   modified (§4.2).
// - Credit: a window of TELEMETRY_CREDIT, one credit returned per settled message, so unsettled
//   telemetry held in memory is bounded per link; a transfer beyond the credit detaches the link
//   (amqp:link:transfer-limit-exceeded).
import type { Delivery, Message, Receiver } from 'rhea';
import { HubError } from '../errors.js';
import { partitionOf } from '../telemetry/partition.js';
import { prepareTelemetry, type PreparedTelemetry, type TelemetryOrigin } from '../telemetry/stamp.js';
import { toAmqpError } from './conditions.js';
import { authorizeDeviceLink } from './device-link.js';
import { rawBytes, undecodable } from './rhea-hardening.js';
import type { Attach, HandlerFactory } from './link-handler.js';

const TELEMETRY_CREDIT = 500;

export const deviceEventsHandler: HandlerFactory<'device-events'> = (services) => ({
  receiver(link: Receiver, attach: Attach<'device-events'>) {
    const { deviceId } = attach.address;
    const { connection } = attach;
    const { device, grant } = authorizeDeviceLink(services, link, attach);
    const origin: TelemetryOrigin = { deviceId, generationId: device.generationId, scope: grant.scope };
    const partition = partitionOf(deviceId, services.partitionCount);

    // Credit is counted here too: rhea processes a transfer that arrives without credit (it only
    // logs it), and such a peer would bypass the bound on unsettled telemetry (AMQP 1.0 §2.6.7).
    let granted = TELEMETRY_CREDIT;
    let received = 0;
    link.add_credit(TELEMETRY_CREDIT);
    link.on('message', ({ message, delivery }: { message: Message; delivery: Delivery }) => {
      if (++received > granted) {
        link.close(toAmqpError(new HubError('transfer-limit', `a transfer arrived without credit (${granted} granted)`)));
        return;
      }
      const settle = (error?: unknown): void => {
        if (!connection.isOpen || !link.is_open()) return; // the peer resends what it saw unsettled
        if (error !== undefined) delivery.reject(toAmqpError(error));
        else if (delivery.remote_settled) delivery.update(true);
        else delivery.accept();
        granted += 1;
        link.add_credit(1);
      };
      // rhea hands over raw bytes for message-format != 0, and a decoded message it cannot
      // encode again cannot be stored: both are refused alone, never failing a whole commit.
      let prepared: PreparedTelemetry;
      try {
        if (Buffer.isBuffer(message)) throw new Error('message-format must be 0 (an AMQP message)');
        const failed = undecodable(message);
        if (failed) throw failed;
        prepared = prepareTelemetry(message, rawBytes(message));
      } catch (cause) {
        settle(new HubError('undecodable', `the message cannot be stored: ${(cause as Error).message}`, { cause }));
        return;
      }
      if (prepared.size > services.limits.maxMessageBytes) {
        settle(new HubError('message-too-large', `the message is ${prepared.size} bytes; IoT Hub takes at most ${services.limits.maxMessageBytes}`));
        return;
      }
      services
        .appendTelemetry({ partition, deviceId, enqueuedAt: services.now(), encode: (at) => prepared.encode(origin, at) })
        .then(() => settle(), (error: unknown) => settle(error));
    });
  },
});
