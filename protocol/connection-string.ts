// IoT Hub and Event Hubs connection strings (reference/iot-hub-amqp.md §1.2, §1.3, §6.1).
//
// Contract: pure. A connection string is `Name=value` parts joined by `;` (a trailing `;` and
// empty parts are ignored); a value runs to the next `;` and may contain `=` (base64 keys, SAS
// tokens). Field names match case-insensitively; each may appear once. Bad input throws
// ConnectionStringError (a ProtocolError) whose message names the bad part by field name or
// position and never contains a key or signature. The formatters write the canonical order and
// check their own output by parsing it, so format(x) always parses back.
//
// IoT Hub: `HostName` (may carry `:port`, which then is part of the SAS resource, §1.2) and
//   - device: `DeviceId` [+ `ModuleId`] with one of `SharedAccessKey` (optionally
//     `SharedAccessKeyName`: a policy key acting for the device, §3.3), `SharedAccessSignature`,
//     `x509=true`; optionally `GatewayHostName` (the connect target, `host[:port]`);
//   - service: `SharedAccessKeyName` + `SharedAccessKey`, or `SharedAccessSignature`.
// Event Hubs: `Endpoint=sb://host[:port]/`, `SharedAccessKeyName` + `SharedAccessKey` or
//   `SharedAccessSignature`, optional `EntityPath`, optional `UseDevelopmentEmulator=true|false`.
import { credentials, fail, flag, hostPort, joinFields, parseFields, required, withoutUndefined } from './connection-string-fields.js';
import { isBase64 } from './sas.js';

export { ConnectionStringError, type ConnectionStringErrorCode } from './connection-string-fields.js';

export interface IotHubConnectionStringFields {
  /** As written, including any `:port`: the host part of SAS resources. */
  hostName: string;
  deviceId?: string;
  moduleId?: string;
  sharedAccessKeyName?: string;
  sharedAccessKey?: string;
  sharedAccessSignature?: string;
  x509?: boolean;
  gatewayHostName?: string;
}

export interface IotHubConnectionString extends IotHubConnectionStringFields {
  kind: 'device' | 'service';
  host: string;
  port?: number;
  gatewayHost?: string;
  gatewayPort?: number;
}

export interface EventHubConnectionStringFields {
  /** As written, e.g. `sb://ns.servicebus.windows.net/`. */
  endpoint: string;
  sharedAccessKeyName?: string;
  sharedAccessKey?: string;
  sharedAccessSignature?: string;
  entityPath?: string;
  useDevelopmentEmulator?: boolean;
}

export interface EventHubConnectionString extends EventHubConnectionStringFields {
  host: string;
  port?: number;
  useDevelopmentEmulator: boolean;
}

const IOT_HUB_FIELDS = ['HostName', 'DeviceId', 'ModuleId', 'SharedAccessKeyName', 'SharedAccessKey', 'SharedAccessSignature', 'x509', 'GatewayHostName'] as const;
const EVENT_HUB_FIELDS = ['Endpoint', 'SharedAccessKeyName', 'SharedAccessKey', 'SharedAccessSignature', 'EntityPath', 'UseDevelopmentEmulator'] as const;
const ENDPOINT = /^(?:sb|amqps?):\/\/([^/]+)\/?$/i;

export function parseIotHubConnectionString(text: string): IotHubConnectionString {
  const what = 'IoT Hub connection string';
  const f = parseFields(text, IOT_HUB_FIELDS, what);
  const hostName = required(f, 'HostName', what);
  const { host, port } = hostPort('HostName', hostName);
  const deviceId = f.get('DeviceId');
  const x509 = flag('x509', f.get('x509'));
  const kind = deviceId === undefined ? 'service' : 'device';
  const key = f.get('SharedAccessKey');
  if (key !== undefined && !isBase64(key)) fail('bad-field', `${what} has a SharedAccessKey that is not base64: copy the key exactly`);
  if (kind === 'service') {
    for (const name of ['ModuleId', 'GatewayHostName', 'x509'] as const) {
      if (f.has(name)) fail('missing-field', `${what} has ${name} but no DeviceId: add the DeviceId or remove ${name}`);
    }
    if (key !== undefined && !f.has('SharedAccessKeyName')) fail('missing-field', `${what} has a SharedAccessKey but neither DeviceId nor SharedAccessKeyName`);
  }
  if (x509 === true && (key !== undefined || f.has('SharedAccessSignature'))) {
    fail('conflicting-fields', `${what} has x509=true and a shared access credential: keep one`);
  }
  credentials(f, 'SharedAccessKey', 'SharedAccessSignature', what, x509 === true);
  const gatewayHostName = f.get('GatewayHostName');
  const gateway = gatewayHostName === undefined ? undefined : hostPort('GatewayHostName', gatewayHostName);
  return withoutUndefined({
    kind, hostName, host, port, deviceId, moduleId: f.get('ModuleId'), sharedAccessKeyName: f.get('SharedAccessKeyName'),
    sharedAccessKey: key, sharedAccessSignature: f.get('SharedAccessSignature'), x509, gatewayHostName,
    gatewayHost: gateway?.host, gatewayPort: gateway?.port,
  });
}

export function parseEventHubConnectionString(text: string): EventHubConnectionString {
  const what = 'Event Hubs connection string';
  const f = parseFields(text, EVENT_HUB_FIELDS, what);
  const endpoint = required(f, 'Endpoint', what);
  const m = ENDPOINT.exec(endpoint) ?? fail('bad-field', 'Endpoint must read sb://host[:port]/');
  const { host, port } = hostPort('Endpoint', m[1]!);
  credentials(f, 'SharedAccessKey', 'SharedAccessSignature', what);
  if (f.has('SharedAccessKey') && !f.has('SharedAccessKeyName')) fail('missing-field', `${what} has a SharedAccessKey but no SharedAccessKeyName`);
  const entityPath = f.get('EntityPath');
  if (entityPath !== undefined && entityPath.includes('/')) fail('bad-field', 'EntityPath must be the event hub name, without /');
  return withoutUndefined({
    endpoint, host, port, sharedAccessKeyName: f.get('SharedAccessKeyName'), sharedAccessKey: f.get('SharedAccessKey'),
    sharedAccessSignature: f.get('SharedAccessSignature'), entityPath,
    useDevelopmentEmulator: flag('UseDevelopmentEmulator', f.get('UseDevelopmentEmulator')) ?? false,
  });
}

export function formatIotHubConnectionString(c: IotHubConnectionStringFields): string {
  const text = joinFields([
    ['HostName', c.hostName], ['DeviceId', c.deviceId], ['ModuleId', c.moduleId], ['SharedAccessKeyName', c.sharedAccessKeyName],
    ['SharedAccessKey', c.sharedAccessKey], ['SharedAccessSignature', c.sharedAccessSignature],
    ['x509', c.x509], ['GatewayHostName', c.gatewayHostName],
  ]);
  parseIotHubConnectionString(text);
  return text;
}

export function formatEventHubConnectionString(c: EventHubConnectionStringFields): string {
  const text = joinFields([
    ['Endpoint', c.endpoint], ['SharedAccessKeyName', c.sharedAccessKeyName], ['SharedAccessKey', c.sharedAccessKey],
    ['SharedAccessSignature', c.sharedAccessSignature], ['EntityPath', c.entityPath],
    ['UseDevelopmentEmulator', c.useDevelopmentEmulator === true ? true : undefined],
  ]);
  parseEventHubConnectionString(text);
  return text;
}
