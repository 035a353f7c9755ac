// The annotations IoT Hub stamps on every D2C message (issue 3 item 5; reference/iot-hub-amqp.md
// §6.4, anti-spoofing: a device's own values for these keys are overwritten), and the stored
// encoding. When the bytes as received are known (amqp/rhea-hardening.ts keeps them for hub
// sockets) and split cleanly (sections.ts), they are kept byte for byte: header, properties,
// application properties, body and footer as sent; the message-annotations section is replaced
// by the device's annotations (decoded, re-encoded) plus the stamps; delivery annotations are
// dropped (they belong to one hop). Otherwise the decoded message is re-encoded with rhea's codec.
import rhea, { type Message } from 'rhea';
import type { EventPosition } from '../store/telemetry-log.js';
import { splitSections } from './sections.js';

export interface TelemetryOrigin {
  deviceId: string;
  generationId: string;
  /** How the connection proved itself: device-scope token or a hub policy (§6.4). */
  scope: 'device' | 'hub';
}

export interface PreparedTelemetry {
  /** Bytes of the message as received, delivery annotations excluded: for the 256 KB limit (§7). */
  size: number;
  /** The stored form, once the position is known. */
  encode(origin: TelemetryOrigin, at: EventPosition): Buffer;
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

const MESSAGE_ANNOTATIONS = 0x72;
const DELIVERY_ANNOTATIONS = 0x71;

interface SectionWriter {
  write(value: unknown): void;
  toBuffer(): Buffer;
}
const { Writer } = rhea.types as unknown as { Writer: new () => SectionWriter };

function annotationsSection(annotations: Record<string, unknown>): Buffer {
  const writer = new Writer();
  writer.write(rhea.types.described_nc(rhea.types.wrap_ulong(MESSAGE_ANNOTATIONS), rhea.types.wrap_symbolic_map(annotations)));
  return writer.toBuffer();
}

function merged(message: Message, origin: TelemetryOrigin, at: EventPosition): Record<string, unknown> {
  return { ...(message.message_annotations ?? {}), ...stampAnnotations(origin, at) };
}

/** Size of a decoded message re-encoded without its delivery annotations (§7 limits). */
export function encodedSize(message: Message): number {
  const copy = { ...message } as Message;
  delete copy.delivery_annotations;
  return rhea.message.encode(copy).length;
}

export function prepareTelemetry(message: Message, raw: Buffer | undefined): PreparedTelemetry {
  const spans = raw && splitSections(raw);
  if (raw && spans) {
    const before = spans.filter((s) => s.code < DELIVERY_ANNOTATIONS).map((s) => raw.subarray(s.start, s.end));
    const after = spans.filter((s) => s.code > MESSAGE_ANNOTATIONS).map((s) => raw.subarray(s.start, s.end));
    const hop = spans.filter((s) => s.code === DELIVERY_ANNOTATIONS).reduce((n, s) => n + s.end - s.start, 0);
    return {
      size: raw.length - hop,
      encode: (origin, at) => Buffer.concat([...before, annotationsSection(merged(message, origin, at)), ...after]),
    };
  }
  const copy = { ...message } as Message;
  delete copy.delivery_annotations;
  return {
    size: encodedSize(message),
    encode: (origin, at) => rhea.message.encode({ ...copy, message_annotations: merged(message, origin, at) } as Message),
  };
}
