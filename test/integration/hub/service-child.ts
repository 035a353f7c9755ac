// The official service SDK (azure-iothub `Client`) in a child process. The SDK has no `ca` option:
// its documented way to trust a private CA is NODE_EXTRA_CA_CERTS (reference/iot-hub-amqp.md
// §1.5), which Node reads only at process start, so the tests fork this file with it set
// (service-client.ts) and drive it over the IPC channel:
//   → {id, op:'open', connectionString} | {id, op:'send', deviceId, message} | {id, op:'feedback'} | {id, op:'close'}
//   ← {id, ok:true} | {id, ok:false, error:{name, message}} | {event:'feedback', data, contentType}
import iothub from 'azure-iothub';
import common from 'azure-iot-common';

export interface C2dSpec {
  data: string;
  /** Binary data (an encrypted command), base64: used instead of `data` when given. */
  dataBase64?: string;
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  ack?: string;
  /** ms since the epoch */
  expiryTimeUtc?: number;
  properties?: Record<string, string>;
}

export type Request =
  | { id: number; op: 'open'; connectionString: string }
  | { id: number; op: 'send'; deviceId: string; message: C2dSpec }
  | { id: number; op: 'feedback' }
  | { id: number; op: 'close' };

let client: iothub.Client | undefined;

function toMessage(spec: C2dSpec): common.Message {
  const m = new common.Message(spec.dataBase64 !== undefined ? Buffer.from(spec.dataBase64, 'base64') : spec.data);
  if (spec.messageId !== undefined) m.messageId = spec.messageId;
  if (spec.correlationId !== undefined) m.correlationId = spec.correlationId;
  if (spec.contentType !== undefined) m.contentType = spec.contentType as never;
  if (spec.contentEncoding !== undefined) m.contentEncoding = spec.contentEncoding as never;
  if (spec.ack !== undefined) m.ack = spec.ack;
  if (spec.expiryTimeUtc !== undefined) m.expiryTimeUtc = spec.expiryTimeUtc;
  for (const [k, v] of Object.entries(spec.properties ?? {})) m.properties.add(k, v);
  return m;
}

async function handle(request: Request): Promise<void> {
  switch (request.op) {
    case 'open':
      client = iothub.Client.fromConnectionString(request.connectionString);
      await client.open();
      return;
    case 'send':
      await client!.send(request.deviceId, toMessage(request.message));
      return;
    case 'feedback': {
      const receiver = await new Promise<iothub.Client.ServiceReceiver>((resolve, reject) =>
        client!.getFeedbackReceiver((error, r) => (error ? reject(error) : resolve(r!))),
      );
      receiver.on('message', (msg: common.Message) => {
        process.send!({ event: 'feedback', data: msg.data.toString('utf8'), contentType: msg.contentType });
        receiver.complete(msg, () => undefined); // a second accept after the SDK's auto-accept (§5.2)
      });
      return;
    }
    case 'close':
      await client?.close();
      return;
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    () => process.send!({ id: request.id, ok: true }),
    (error: Error) => process.send!({ id: request.id, ok: false, error: { name: error.name ?? error.constructor?.name, message: error.message } }),
  );
});
process.on('disconnect', () => process.exit(0));
