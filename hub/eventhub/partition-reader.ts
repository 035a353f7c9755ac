// Streams one partition to one Event Hubs receiver link, exactly within its credit (issue 3
// item 6; reference/iot-hub-amqp.md §6.3: the SDK attaches with credit_window 0 and grants
// credit explicitly, so nothing may be sent without credit; §10 item 12).
// - From storage in batches of at most min(credit, BATCH) events, then live: the owner calls
//   pump() on link credit ('sendable') and when an event of this partition was committed.
// - The stored bytes go out as they are (`sender.send(bytes, tag, 0)`, DESIGN.md decision 2),
//   with the runtime-metric delivery annotations prepended when the receiver asked for them.
// - After the first event the position is "sequence number > last sent", whatever the filter
//   was; before it the filter's own form is kept (an offset or time ahead of the log still
//   matches events that arrive later). Events removed by retention are skipped.
// - A long backlog is sent one batch per macrotask, so other connections are served meanwhile.
//
// Contract: single-threaded; pump() is cheap when there is no credit; stop() is final.
import type { StartPosition } from '../../protocol/event-hubs-filter.js';
import type { PartitionInfo, ReadFrom, StoredEvent } from '../store/telemetry-log.js';
import { runtimeMetricSection, withDeliveryAnnotations } from './runtime-metric.js';

export const BATCH = 100;

/** The part of a rhea Sender the reader drives. */
export interface EventSink {
  readonly credit: number;
  sendable(): boolean;
  send(bytes: Buffer, tag: Buffer): void;
}

export interface PartitionSource {
  read(partition: number, from: ReadFrom, limit: number): StoredEvent[];
  partitionInfo(partition: number): PartitionInfo;
}

export interface PartitionReaderOptions {
  partition: number;
  start: StartPosition;
  log: PartitionSource;
  sink: EventSink;
  /** Add the runtime-metric delivery annotations (§6.4). */
  runtimeMetric: boolean;
  now(): number;
}

/** The filter as a storage read position; `@latest` is fixed now, at attach (§6.3). */
export function readFromStart(start: StartPosition, latest: () => PartitionInfo): ReadFrom {
  switch (start.by) {
    case 'start': return { by: 'sequence', sequenceNumber: -1, inclusive: false };
    case 'latest': return { by: 'sequence', sequenceNumber: latest().lastSequenceNumber, inclusive: false };
    case 'offset': return { by: 'offset', offset: String(start.offset), inclusive: start.inclusive };
    case 'sequence': return start;
    // Times are whole milliseconds: `>= t` is `> t - 1`.
    case 'enqueued-time': return { by: 'enqueued-time', enqueuedAt: start.inclusive ? start.enqueuedAt - 1 : start.enqueuedAt };
  }
}

export class PartitionReader {
  private from: ReadFrom;
  private scheduled = false;
  private stopped = false;

  constructor(private readonly o: PartitionReaderOptions) {
    this.from = readFromStart(o.start, () => o.log.partitionInfo(o.partition));
  }

  pump(): void {
    if (this.stopped || this.scheduled || !this.o.sink.sendable()) return;
    const { sink, log, partition } = this.o;
    const limit = Math.min(sink.credit, BATCH);
    const events = log.read(partition, this.from, limit);
    if (events.length === 0) return;
    const metric = this.o.runtimeMetric ? runtimeMetricSection(log.partitionInfo(partition), this.o.now()) : undefined;
    for (const event of events) {
      if (!sink.sendable()) return;
      sink.send(metric ? withDeliveryAnnotations(event.bytes, metric) : event.bytes, Buffer.from(String(event.sequenceNumber)));
      this.from = { by: 'sequence', sequenceNumber: event.sequenceNumber, inclusive: false };
    }
    if (events.length < limit || !sink.sendable()) return; // caught up, or out of credit
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  stop(): void {
    this.stopped = true;
  }
}
