// The annotations IoT Hub stamps on every D2C message (issue 3 item 5; reference/iot-hub-amqp.md
// §6.4, anti-spoofing: a device's own values for these keys are overwritten), and the stored
// encoding: the message as received (properties, application properties, body, footer and the
// device's other annotations) re-encoded with rhea's codec, delivery annotations dropped (they
// belong to one hop).
import rhea, { type Message } from 'rhea';
import type { EventPosition } from '../store/telemetry-log.js';

export interface TelemetryOrigin {
  deviceId: string;
  generationId: string;
  /** How the connection proved itself: device-scope token or a hub policy (§6.4). */
  scope: 'device' | 'hub';
}

/** The `iothub-connection-auth-method` JSON string (§6.4). */
export function authMethod(scope: 'device' | 'hub'): string {
  return JSON.stringify({ scope, type: 'sas', issuer: 'iothub', acceptingIpFilterRule: null });
}

export function stampAnnotations(origin: TelemetryOrigin, at: EventPosition): Record<string, unknown> {
  const enqueued = new Date(at.enqueuedAt);
  return {
    'iothub-connection-device-id': origin.deviceId,
    'iothub-connection-auth-generation-id': origin.generationId,
    'iothub-connection-auth-method': authMethod(origin.scope),
    'iothub-enqueuedtime': enqueued,
    'iothub-message-source': 'Telemetry',
    'x-opt-sequence-number': rhea.types.wrap_long(at.sequenceNumber),
    'x-opt-offset': at.offset,
    'x-opt-enqueued-time': enqueued,
  };
}

function withoutHopSections(message: Message): Message {
  const copy = { ...message } as Message;
  delete copy.delivery_annotations;
  return copy;
}

/** Size of the message as received, for the 256 KB limit (§7). */
export function encodedSize(message: Message): number {
  return rhea.message.encode(withoutHopSections(message)).length;
}

export function encodeStamped(message: Message, origin: TelemetryOrigin, at: EventPosition): Buffer {
  const copy = withoutHopSections(message);
  copy.message_annotations = { ...(message.message_annotations ?? {}), ...stampAnnotations(origin, at) };
  return rhea.message.encode(copy);
}
