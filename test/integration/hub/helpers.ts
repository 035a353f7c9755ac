// Shared set-up for the hub's integration tests: a real hub on a free port (TLS with its
// generated CA, storage in memory unless asked), official SDK clients pointed at it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rhea, { type Connection, type EventContext, type Message } from 'rhea';
import iotDevice from 'azure-iot-device';
import iotDeviceAmqp from 'azure-iot-device-amqp';
import { startHub, type Hub } from '../../../hub/hub.js';
import type { HubOptions } from '../../../hub/options.js';
import { AsyncQueue } from '../../helpers/async-queue.js';

export interface TestHub {
  hub: Hub;
  dataDir: string;
  stop(): Promise<void>;
}

/** A data folder whose certificates are generated once per test process (RSA keygen is slow). */
let sharedData: string | undefined;
export function testDataDir(): string {
  sharedData ??= mkdtempSync(join(tmpdir(), 'fogbridge-hub-test-'));
  return sharedData;
}

export async function startTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? testDataDir();
  const hub = await startHub({ port: 0, inMemory: true, ...options, dataDir });
  return {
    hub,
    dataDir,
    async stop() {
      await hub.close();
      if (options.dataDir && options.dataDir !== sharedData) rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
}

export type DeviceClient = iotDevice.Client;
export const DeviceMessage = iotDevice.Message;

export function deviceClient(hub: Hub, connectionString: string): DeviceClient {
  const client = iotDevice.Client.fromConnectionString(connectionString, iotDeviceAmqp.Amqp);
  client.setOptions({ ca: hub.certificates.caPem });
  return client;
}

/**
 * A device SDK client for `deviceId` (registered if it is not yet) listening for C2D; its messages
 * arrive on the returned queue. The client is pushed onto `opened` so the test can close it.
 */
export async function listeningDevice(hub: Hub, deviceId: string, opened: DeviceClient[]): Promise<{ client: DeviceClient; messages: AsyncQueue<iotDevice.Message> }> {
  if (!hub.registry.device(deviceId)) hub.registry.addDevice(deviceId);
  const client = deviceClient(hub, hub.deviceConnectionString(deviceId));
  opened.push(client);
  const messages = new AsyncQueue<iotDevice.Message>();
  await client.open();
  client.on('message', (m: iotDevice.Message) => messages.push(m));
  return { client, messages };
}

/** Every stored event of every partition, decoded. */
export function storedEvents(hub: Hub): { partition: number; sequenceNumber: number; offset: string; message: Message }[] {
  const out = [];
  for (let p = 0; p < hub.options.partitions; p++) {
    for (const e of hub.telemetry.read(p, { by: 'sequence', sequenceNumber: -1, inclusive: false }, 100_000)) {
      out.push({ partition: p, sequenceNumber: e.sequenceNumber, offset: e.offset, message: rhea.message.decode(e.bytes) as unknown as Message });
    }
  }
  return out;
}

/** A plain rhea client over TLS trusting the hub's CA; resolves once the connection is open. */
export async function rawClient(hub: Hub): Promise<Connection> {
  const container = rhea.create_container();
  const connection = container.connect({
    host: 'localhost',
    port: hub.port,
    transport: 'tls',
    ca: hub.certificates.caPem,
    servername: 'localhost',
    reconnect: false,
  } as never);
  await new Promise<void>((resolve, reject) => {
    connection.once('connection_open', () => resolve());
    connection.once('disconnected', (ctx: EventContext) => reject(ctx.error ?? new Error('disconnected')));
  });
  return connection;
}

/** Connections a test file opens, closed after each test: `test.after.each(opened.closeAll)`. */
export function openedConnections(): { keep(connection: Promise<Connection>): Promise<Connection>; closeAll(): void } {
  const open: Connection[] = [];
  return {
    async keep(connection) {
      const c = await connection;
      open.push(c);
      return c;
    },
    closeAll: () => {
      for (const c of open.splice(0)) c.close();
    },
  };
}

/** The next event `name` on `emitter`. */
export function next<T = EventContext>(emitter: NodeJS.EventEmitter, name: string): Promise<T> {
  return new Promise((resolve) => emitter.once(name, resolve as (v: unknown) => void));
}

export interface CbsReply {
  correlationId: unknown;
  status: unknown;
  description: unknown;
}

/** A raw `$cbs` client on its own session: put(token, name) resolves with the reply. */
export async function cbsClient(connection: Connection): Promise<{ put(token: string, name: string, messageId?: string): Promise<CbsReply> }> {
  const session = connection.create_session();
  session.begin();
  const receiver = session.attach_receiver({ source: { address: '$cbs' }, target: {}, autoaccept: true } as never);
  const sender = session.attach_sender({ target: { address: '$cbs' } });
  await Promise.all([next(receiver, 'receiver_open'), next(sender, 'sendable')]);
  let counter = 0;
  return {
    async put(token, name, messageId = `req-${++counter}`) {
      const reply = new Promise<CbsReply>((resolve) => {
        const onMessage = (ctx: EventContext): void => {
          const m = ctx.message!;
          if (m.correlation_id !== messageId) return;
          receiver.removeListener('message', onMessage);
          const props = m.application_properties ?? {};
          resolve({ correlationId: m.correlation_id, status: props['status-code'], description: props['status-description'] });
        };
        receiver.on('message', onMessage);
      });
      sender.send({
        message_id: messageId,
        to: '$cbs',
        reply_to: 'cbs',
        application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name },
        body: token,
      });
      return reply;
    },
  };
}

/** Runs `fn` with rhea's console chatter about peer misbehaviour (expected in that test) muted. */
export async function withRheaChatterMuted<T>(fn: () => Promise<T>): Promise<T> {
  const { error, warn } = console;
  const chatter = /^(Received transfer when credit was|WARNING: (did not recognise|expected described))/;
  console.error = (...args: unknown[]) => void (chatter.test(String(args[0])) || error(...args));
  console.warn = (...args: unknown[]) => void (chatter.test(String(args[0])) || warn(...args));
  try {
    return await fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}
