// Runtime-metric delivery annotations (reference/iot-hub-amqp.md §6.4 "Runtime metric"): when a
// partition receiver desired `com.microsoft:enable-receiver-runtime-metric`, every event carries
// delivery annotations with the partition's last enqueued event (@azure/event-hubs eventData.js
// reads them into `lastEnqueuedEventProperties`).
//
// Stored events are AMQP-encoded messages without delivery annotations (telemetry/stamp.ts drops
// them). AMQP 1.0 §3.2 orders the sections header, delivery-annotations, message-annotations, ...
// so the encoded section goes after the header when the stored message has one, else first. Only
// the first section is decoded to find that place; the rest of the bytes are sent as stored.
import rhea from 'rhea';
import type { PartitionInfo } from '../store/telemetry-log.js';

export const RUNTIME_METRIC_CAPABILITY = 'com.microsoft:enable-receiver-runtime-metric';
const HEADER = 0x70;

const DELIVERY_ANNOTATIONS = 0x71;

interface Section { descriptor?: { value?: unknown } }
interface Reader { position: number; read(): Section }
interface Writer { write(value: unknown): void; toBuffer(): Buffer }
interface Codec {
  Reader: new (buffer: Buffer) => Reader;
  Writer: new () => Writer;
  wrap_symbolic_map(map: Record<string, unknown>): unknown;
  described_nc(descriptor: unknown, value: unknown): unknown;
  wrap_ulong(n: number): unknown;
}
const codec = rhea.types as unknown as Codec;

/** The delivery-annotations section (0x71, keys as symbols) for `info`, encoded. */
export function runtimeMetricSection(info: PartitionInfo, retrievedAt: number): Buffer {
  const annotations = codec.wrap_symbolic_map({
    last_enqueued_sequence_number: rhea.types.wrap_long(info.lastSequenceNumber),
    last_enqueued_offset: info.lastOffset,
    last_enqueued_time_utc: rhea.types.wrap_timestamp(info.lastEnqueuedAt),
    runtime_info_retrieval_time_utc: rhea.types.wrap_timestamp(retrievedAt),
  });
  const writer = new codec.Writer();
  writer.write(codec.described_nc(codec.wrap_ulong(DELIVERY_ANNOTATIONS), annotations));
  return writer.toBuffer();
}

/** The stored message with `section` placed where delivery annotations belong. */
export function withDeliveryAnnotations(stored: Buffer, section: Buffer): Buffer {
  const reader = new codec.Reader(stored);
  const first = reader.read();
  const at = Number(first.descriptor?.value) === HEADER ? reader.position : 0;
  return Buffer.concat([stored.subarray(0, at), section, stored.subarray(at)]);
}
