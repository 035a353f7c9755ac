// One telemetry event as read from the Event Hub-compatible endpoint (reference/iot-hub-amqp.md
// §6.4), with every value made JSON-safe: x-opt-* annotations as named fields, the IoT Hub
// annotations (iothub-connection-device-id, ...) kept, AMQP properties by their camelCase names,
// application properties as sent by the device, the body as bytes (data section, or what rhea
// decoded for an amqp-value body).
import type { Message } from 'rhea';

export interface ReceivedEvent {
  /** `iothub-connection-device-id`; undefined when the hub did not stamp one. */
  deviceId: string | undefined;
  partition: string;
  sequenceNumber: number;
  offset: string;
  enqueuedTime: Date;
  /** AMQP properties that were set: messageId, correlationId, contentType, contentEncoding, userId, to, subject, creationTime, absoluteExpiryTime, ... */
  properties: Record<string, unknown>;
  applicationProperties: Record<string, unknown>;
  /** Message annotations other than x-opt-sequence-number, x-opt-offset, x-opt-enqueued-time. */
  annotations: Record<string, unknown>;
  body: Uint8Array;
}

const PROPERTY_NAMES: Record<string, string> = {
  message_id: 'messageId',
  user_id: 'userId',
  to: 'to',
  subject: 'subject',
  reply_to: 'replyTo',
  correlation_id: 'correlationId',
  content_type: 'contentType',
  content_encoding: 'contentEncoding',
  absolute_expiry_time: 'absoluteExpiryTime',
  creation_time: 'creationTime',
  group_id: 'groupId',
  group_sequence: 'groupSequence',
  reply_to_group_id: 'replyToGroupId',
};

const POSITION_ANNOTATIONS = new Set(['x-opt-sequence-number', 'x-opt-offset', 'x-opt-enqueued-time']);

export function toReceivedEvent(message: Message, partition: string): ReceivedEvent {
  const annotations = (message.message_annotations ?? {}) as Record<string, unknown>;
  const m = message as unknown as Record<string, unknown>;
  const properties: Record<string, unknown> = {};
  for (const [wire, name] of Object.entries(PROPERTY_NAMES)) if (m[wire] !== undefined && m[wire] !== null) properties[name] = jsonSafe(m[wire]);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(annotations)) if (!POSITION_ANNOTATIONS.has(k)) rest[k] = jsonSafe(v);
  const deviceId = annotations['iothub-connection-device-id'];
  return {
    deviceId: typeof deviceId === 'string' ? deviceId : undefined,
    partition,
    sequenceNumber: Number(annotations['x-opt-sequence-number']),
    offset: String(annotations['x-opt-offset']),
    enqueuedTime: asDate(annotations['x-opt-enqueued-time']),
    properties,
    applicationProperties: Object.fromEntries(Object.entries((message.application_properties ?? {}) as Record<string, unknown>).map(([k, v]) => [k, jsonSafe(v)])),
    annotations: rest,
    body: bodyBytes(message.body),
  };
}

function asDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(typeof value === 'number' ? value : Number(value));
}

/** Dates as ISO text, binary (and AMQP uuids, which rhea hands over as 16 bytes) as hex. */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    if ('content' in value && 'typecode' in value) return jsonSafe((value as { content: unknown }).content);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

/** The body's bytes: a data section's content, an amqp-value string as UTF-8. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return new Uint8Array(body);
  if (body && typeof body === 'object' && 'content' in body) return bodyBytes((body as { content: unknown }).content);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body === undefined || body === null) return new Uint8Array(0);
  return new TextEncoder().encode(JSON.stringify(jsonSafe(body)));
}
