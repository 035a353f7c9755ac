// The C2D message as the service sends it and as the device receives it (issue 3 item 7;
// reference/iot-hub-amqp.md §4.3, §5.1, §7), and the feedback message (§5.3). rhea's codec only.
//
// Service → hub (§5.1): `to` = `/devices/<percent-encoded id>/messages/devicebound` names the
// device; `iothub-ack` (none|positive|negative|full, absent = none) asks for feedback;
// `absolute-expiry-time` sets the TTL (c2d/options.ts expiryOf). Hub → device (§4.3): the same
// message-id, correlation-id, content-type/-encoding and application properties (`iothub-ack`
// included), `to` = `/devices/<id>/messages/devicebound` as the device SDK writes it, the
// effective `absolute-expiry-time`, and the body always as ONE data section (the device SDK reads
// `body.content`; an amqp-value body becomes its UTF-8 or JSON text). rhea decodes an AMQP uuid
// as a 16-byte Buffer; such ids are sent on as uuids (the service SDK sends uuid-looking ids so)
// and are written 8-4-4-4-12 in feedback.
import rhea, { type Message } from 'rhea';
import { deviceBoundAddress, parseAddress } from '../../protocol/address.js';
import { FEEDBACK_CONTENT_TYPE, type FeedbackAck } from '../../protocol/feedback.js';
import { HubError } from '../errors.js';
import type { NewCommand } from '../store/command-store.js';
import { encodedSize } from '../telemetry/stamp.js';
import { expiryOf, type C2dOptions } from '../c2d/options.js';

const ACKS: readonly FeedbackAck[] = ['none', 'positive', 'negative', 'full'];

function isUuid(id: unknown): id is Buffer {
  return Buffer.isBuffer(id) && id.length === 16;
}

/** A message-id as feedback's `originalMessageId` (a string); '' when absent. */
export function messageIdText(id: unknown): string {
  if (id === undefined || id === null) return '';
  if (isUuid(id)) return id.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  if (Buffer.isBuffer(id)) return id.toString('hex');
  return String(id);
}

const keepId = (id: unknown): unknown => (isUuid(id) ? rhea.types.wrap_uuid(id) : id);

function bodyBytes(body: unknown): Buffer {
  const section = body as { typecode?: number; content?: unknown; multiple?: boolean } | undefined;
  if (section?.typecode === 0x75) {
    const content = section.content;
    if (section.multiple && Array.isArray(content)) return Buffer.concat(content.map((c) => Buffer.from(c as Buffer)));
    return Buffer.from(content as Buffer);
  }
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Reads and checks one message from `/messages/devicebound`; throws HubError for a bad one. */
export function commandFromService(message: Message, now: number, options: C2dOptions): NewCommand {
  const to = message.to;
  if (typeof to !== 'string') throw new HubError('bad-request', 'a C2D message needs `to` = /devices/<device id>/messages/devicebound');
  let deviceId: string;
  try {
    const address = parseAddress(to);
    if (address.kind !== 'device-bound') throw new Error(`it is a ${address.kind} address`);
    deviceId = address.deviceId;
  } catch (cause) {
    throw new HubError('bad-request', `the C2D message's \`to\` ${JSON.stringify(to)} is not /devices/<device id>/messages/devicebound`, { cause });
  }
  const size = encodedSize(message);
  if (size > options.maxMessageBytes) {
    throw new HubError('message-too-large', `the C2D message is ${size} bytes; IoT Hub takes at most ${options.maxMessageBytes}`);
  }
  const properties = { ...(message.application_properties ?? {}) } as Record<string, unknown>;
  const ack = properties['iothub-ack'] ?? 'none';
  if (!ACKS.includes(ack as FeedbackAck)) throw new HubError('bad-request', `iothub-ack ${JSON.stringify(ack)} is not one of ${ACKS.join(', ')}`);
  // The SDK sets only absolute-expiry-time (§5.1); a header ttl from other clients counts from now.
  const requested =
    message.absolute_expiry_time instanceof Date ? message.absolute_expiry_time.getTime() : typeof message.ttl === 'number' ? now + message.ttl : undefined;
  const expiresAt = expiryOf(now, requested, options);
  const outgoing: Message = {
    to: deviceBoundAddress(deviceId),
    absolute_expiry_time: new Date(expiresAt),
    application_properties: properties,
    body: rhea.message.data_section(bodyBytes(message.body)),
  };
  if (message.message_id !== undefined) outgoing.message_id = keepId(message.message_id) as string;
  if (message.correlation_id !== undefined) outgoing.correlation_id = keepId(message.correlation_id) as string;
  if (message.content_type !== undefined) outgoing.content_type = message.content_type;
  if (message.content_encoding !== undefined) outgoing.content_encoding = message.content_encoding;
  if (message.creation_time !== undefined) outgoing.creation_time = message.creation_time;
  return {
    deviceId,
    messageId: messageIdText(message.message_id),
    ack: ack as FeedbackAck,
    enqueuedAt: now,
    expiresAt,
    bytes: rhea.message.encode(outgoing),
  };
}

/** A feedback message (§5.3): data body, content type, `user-id` = hub name (binary), `iothub-enqueuedtime`. */
export function feedbackMessage(hubName: string, batch: { id: number; enqueuedAt: number; body: Buffer }): Buffer {
  return rhea.message.encode({
    message_id: `feedback-${batch.id}`,
    user_id: Buffer.from(hubName, 'utf8') as unknown as string,
    content_type: FEEDBACK_CONTENT_TYPE,
    message_annotations: { 'iothub-enqueuedtime': new Date(batch.enqueuedAt) },
    body: rhea.message.data_section(batch.body),
  });
}
