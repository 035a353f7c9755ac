// What the console knows, without I/O: per-device telemetry figures (messages received, last
// seen, LED and sensor values as last reported), the latest messages, chart points, the commands
// it sent and the feedback records it read. Every change is announced to listeners as a named
// event with a JSON-safe value (the server relays them over Server-Sent Events).
import type { FeedbackRecord } from '../../protocol/feedback.js';
import type { DeviceState } from '../hub.js';
import type { BodyView } from '../service/body-view.js';
import type { ReceivedEvent } from '../service/received-event.js';
import type { ResolvedConsoleOptions } from './options.js';

export interface TelemetryRow {
  deviceId: string;
  partition: string;
  sequenceNumber: number;
  /** ms since the epoch. */
  enqueuedTime: number;
  messageId?: string;
  /** The `enc` application property (the envelope), if any. */
  enc?: string;
  /** The body as it travelled, in hex (the ciphertext when the device sealed it). */
  bodyHex: string;
  /** The decrypted (or plain) body, parsed as JSON when it is; absent when it could not be opened. */
  decoded?: unknown;
  /** Why `decoded` is absent (no key, wrong key, ...). */
  note?: string;
}

export interface DeviceTelemetry {
  messages: number;
  lastSeen?: number;
  led?: string;
  temperature?: number;
  light?: number;
}

export type DeviceView = DeviceState & DeviceTelemetry & { hasKey: boolean; registered: boolean };

/** [enqueued ms, temperature, light]. */
export type ChartPoint = [number, number | null, number | null];

export interface CommandEntry {
  messageId: string;
  deviceId: string;
  command: unknown;
  ack: string;
  sealed: boolean;
  sentAt: number;
}

export interface FeedbackEntry extends FeedbackRecord {
  receivedAt: number;
}

export type ConsoleEvent =
  | { name: 'telemetry'; data: { row: TelemetryRow; device: DeviceView; point?: ChartPoint } }
  | { name: 'devices'; data: DeviceView[] }
  | { name: 'command'; data: CommandEntry }
  | { name: 'feedback'; data: FeedbackEntry }
  | { name: 'status'; data: ReaderStatusView };

export interface ReaderStatusView {
  state: 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';
  detail?: string;
}

type Options = Pick<ResolvedConsoleOptions, 'keys' | 'maxMessages' | 'maxPoints' | 'maxCharts' | 'maxLog' | 'now'>;

export class ConsoleModel {
  readonly #telemetry = new Map<string, DeviceTelemetry>();
  readonly #points = new Map<string, ChartPoint[]>();
  readonly #messages: TelemetryRow[] = [];
  readonly #commands: CommandEntry[] = [];
  readonly #feedback: FeedbackEntry[] = [];
  readonly #listeners = new Set<(event: ConsoleEvent) => void>();
  #status: ReaderStatusView = { state: 'connecting' };

  constructor(private readonly hubDevices: () => DeviceState[], private readonly o: Options) {}

  /** Returns an unsubscribe function. */
  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  devices(): DeviceView[] {
    const registered = this.hubDevices();
    const known = new Set(registered.map((d) => d.deviceId));
    const extra = [...this.#telemetry.keys()].filter((id) => !known.has(id)).map((deviceId): DeviceState => ({ deviceId, status: 'disabled', via: undefined, links: 0 }));
    return [...registered, ...extra]
      .map((d) => this.#view(d, known.has(d.deviceId)))
      .sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  }

  snapshot() {
    return {
      devices: this.devices(),
      messages: [...this.#messages],
      points: Object.fromEntries(this.#points),
      commands: [...this.#commands],
      feedback: [...this.#feedback],
      status: this.#status,
    };
  }

  addTelemetry(e: ReceivedEvent, view: BodyView): TelemetryRow {
    const deviceId = e.deviceId ?? '(unknown device)';
    const enc = e.applicationProperties.enc;
    const messageId = e.properties.messageId;
    const row: TelemetryRow = {
      deviceId, partition: e.partition, sequenceNumber: e.sequenceNumber, enqueuedTime: e.enqueuedTime.getTime(),
      bodyHex: Buffer.from(e.body).toString('hex'),
      ...(typeof messageId === 'string' ? { messageId } : {}),
      ...(typeof enc === 'string' ? { enc } : {}),
      ...(view.note ? { note: view.note } : { decoded: view.body }),
    };
    push(this.#messages, row, this.o.maxMessages);
    const t = this.#telemetry.get(deviceId) ?? { messages: 0 };
    this.#telemetry.set(deviceId, t);
    t.messages += 1;
    t.lastSeen = Math.max(t.lastSeen ?? 0, row.enqueuedTime);
    let point: ChartPoint | undefined;
    const reading = (view.note ? {} : view.body) as { led?: unknown; temperature?: unknown; light?: unknown } | null;
    if (reading && typeof reading === 'object') {
      if (typeof reading.led === 'string') t.led = reading.led;
      const temperature = typeof reading.temperature === 'number' ? reading.temperature : null;
      const light = typeof reading.light === 'number' ? reading.light : null;
      if (temperature !== null) t.temperature = temperature;
      if (light !== null) t.light = light;
      const points = this.#points.get(deviceId) ?? (this.#points.size < this.o.maxCharts ? [] : undefined);
      if (points && (temperature !== null || light !== null)) {
        point = [row.enqueuedTime, temperature, light];
        this.#points.set(deviceId, points);
        push(points, point, this.o.maxPoints);
      }
    }
    const state = this.hubDevices().find((d) => d.deviceId === deviceId);
    const device = this.#view(state ?? { deviceId, status: 'disabled', via: undefined, links: 0 }, state !== undefined);
    this.#emit({ name: 'telemetry', data: { row, device, ...(point ? { point } : {}) } });
    return row;
  }

  addCommand(entry: CommandEntry): void {
    push(this.#commands, entry, this.o.maxLog);
    this.#emit({ name: 'command', data: entry });
  }

  addFeedback(record: FeedbackRecord): void {
    const entry = { ...record, receivedAt: this.o.now() };
    push(this.#feedback, entry, this.o.maxLog);
    this.#emit({ name: 'feedback', data: entry });
  }

  setStatus(status: ReaderStatusView): void {
    this.#status = status;
    this.#emit({ name: 'status', data: status });
  }

  /** Announces the device list (the server calls it when connection state changed). */
  announceDevices(devices: DeviceView[] = this.devices()): void {
    this.#emit({ name: 'devices', data: devices });
  }

  #view(d: DeviceState, registered: boolean): DeviceView {
    return { ...d, messages: 0, ...this.#telemetry.get(d.deviceId), hasKey: this.o.keys.has(d.deviceId), registered };
  }

  #emit(event: ConsoleEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
