// `fogbridge monitor`: prints every telemetry event of an Event Hub-compatible endpoint as one
// JSON line (issue 6 item 3), decrypting bodies whose device key is known, and with --checkpoint
// resumes each partition after the last event it printed: an event is printed and flushed first,
// then the checkpoint naming it is written (atomically), so a restart neither skips nor repeats.
import { parseArgs } from 'node:util';
import { viewBody, type EnvelopeKey } from './body-view.js';
import { processIo, readCa, report, UsageError, type ServiceCliIo } from './cli-common.js';
import { readCheckpoint, readKeys, writeCheckpoint, type Checkpoint } from './cli-files.js';
import { eventHubEndpoint } from './event-hub-endpoint.js';
import { EventHubReader, type ReaderStart } from './event-hub-reader.js';
import type { ReceivedEvent } from './received-event.js';

export const USAGE = `usage: fogbridge monitor --event-hub <connection string> [options]

Prints each telemetry message as one JSON line: deviceId, partition, sequenceNumber, offset,
enqueuedTime, properties, applicationProperties, body (decrypted JSON when --keys has the
device's key, else the envelope in hex with a note). Progress and errors go to stderr.

options:
  --event-hub <cs>         the Event Hub-compatible connection string
                           (Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…;
                           local hub: "eventHub" in <data>/connection-strings.json)
  --consumer-group <cg>    default $Default
  --from <where>           earliest | latest | an ISO time such as 2026-11-26T12:00:00Z (default latest);
                           partitions named in the checkpoint file resume from it instead
  --checkpoint <file>      resume after the last message printed, per partition, across runs
  --keys <file>            envelope keys: { "<deviceId>": { "cipher": "xtea-cbc-cts", "key": "<hex>" } }
                           (a device-emulator fleet file works too)
  --ca <pem>               trust this CA (the local hub's certs/ca.pem); default: Node's roots
  --prefetch <n>           events buffered per partition (default 300)
  -h, --help               this help

Ctrl-C stops after printing what was received and writing the checkpoint.
Exit codes: 0 stopped, 1 connection or authorization failure, 2 bad option or connection string.
`;

const OPTIONS = {
  'event-hub': { type: 'string' },
  'consumer-group': { type: 'string', default: '$Default' },
  from: { type: 'string', default: 'latest' },
  checkpoint: { type: 'string' },
  keys: { type: 'string' },
  ca: { type: 'string' },
  prefetch: { type: 'string', default: '300' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseFrom(text: string): ReaderStart {
  if (text === 'earliest' || text === 'latest') return text;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--from must be earliest, latest or an ISO time (2026-11-26T12:00:00Z), got '${text}'`);
  return { enqueuedAfter: new Date(ms) };
}

export function formatEvent(e: ReceivedEvent, keys: Map<string, EnvelopeKey>): string {
  const view = viewBody(e.body, e.applicationProperties, e.deviceId === undefined ? undefined : keys.get(e.deviceId), e.deviceId);
  return `${JSON.stringify({
    deviceId: e.deviceId ?? null,
    partition: e.partition,
    sequenceNumber: e.sequenceNumber,
    offset: e.offset,
    enqueuedTime: e.enqueuedTime.toISOString(),
    properties: e.properties,
    applicationProperties: e.applicationProperties,
    body: view.body,
    ...(view.note ? { note: view.note } : {}),
  })}\n`;
}

export async function main(argv: string[], io: ServiceCliIo = processIo()): Promise<number> {
  let reader: EventHubReader | undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      await io.stdout(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values['event-hub'] === undefined) throw new UsageError('--event-hub <connection string> is required');
    if (!/^\d{1,5}$/.test(values.prefetch) || Number(values.prefetch) < 1) throw new UsageError(`--prefetch must be a whole number >= 1, got '${values.prefetch}'`);
    const from = parseFrom(values.from);
    const keys = values.keys === undefined ? new Map<string, EnvelopeKey>() : readKeys(values.keys);
    const ca = readCa(values.ca);
    const consumerGroup = values['consumer-group'];
    const endpoint = eventHubEndpoint(values['event-hub']);
    const path = values.checkpoint;
    const checkpoint = path === undefined ? undefined : readCheckpoint(path, `${endpoint.audienceBase}/${endpoint.entity}`, consumerGroup);
    reader = new EventHubReader({
      connectionString: values['event-hub'], consumerGroup, from, ca, prefetch: Number(values.prefetch), now: io.now,
      ...(checkpoint ? { resume: checkpoint.partitions } : {}),
      onStatus: (s) => s.state === 'reconnecting' && io.stderr(`monitor: ${s.error.message}; reconnecting in ${s.delayMs / 1000} s (attempt ${s.attempt})\n`),
    });
    const ids = await reader.open();
    io.stderr(`monitor: reading ${reader.endpoint.entity} partitions ${ids.join(', ')} (consumer group ${consumerGroup}, from ${values.from}${checkpoint ? `, checkpoint ${path}: ${Object.keys(checkpoint.partitions).length} partitions resume from it` : ''}); Ctrl-C to stop\n`);
    const opened = reader;
    void io.stopRequested().then(() => opened.close());
    return await pump(opened, keys, io, checkpoint && path ? { checkpoint, path } : undefined);
  } catch (error) {
    return report('monitor', error, io);
  } finally {
    await reader?.close();
  }
}

/** Prints every event, checkpointing when the buffer runs dry and every 100 events. */
async function pump(reader: EventHubReader, keys: Map<string, EnvelopeKey>, io: ServiceCliIo, saved?: { checkpoint: Checkpoint; path: string }): Promise<number> {
  let unsaved = 0;
  const save = (): void => {
    if (saved && unsaved > 0) writeCheckpoint(saved.path, saved.checkpoint);
    unsaved = 0;
  };
  try {
    for (let e = await reader.next(); e; e = await reader.next()) {
      await io.stdout(formatEvent(e, keys));
      if (saved) saved.checkpoint.partitions[e.partition] = e.sequenceNumber;
      unsaved += 1;
      if (reader.buffered === 0 || unsaved >= 100) save();
    }
    return 0;
  } finally {
    save();
  }
}
