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
import { CodedError } from './coded-error.js';

export type ConnectionStringErrorCode = 'malformed' | 'unknown-field' | 'duplicate-field' | 'missing-field' | 'bad-field' | 'conflicting-fields';

export class ConnectionStringError extends CodedError<ConnectionStringErrorCode> {}

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
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:/\s[\]@]+)(?::(\d{1,5}))?$/;
const ENDPOINT = /^(?:sb|amqps?):\/\/([^/]+)\/?$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fail(code: ConnectionStringErrorCode, message: string): never {
  throw new ConnectionStringError(code, message);
}

/** Splits into known fields; `what` names the kind of string in messages. */
function parseFields<F extends string>(text: string, known: readonly F[], what: string): Map<F, string> {
  const fields = new Map<F, string>();
  text.split(';').forEach((part, i) => {
    if (part.trim() === '') return;
    const eq = part.indexOf('=');
    if (eq <= 0) fail('malformed', `${what} part ${i + 1} is not Name=value`);
    const raw = part.slice(0, eq).trim();
    const name = known.find((k) => k.toLowerCase() === raw.toLowerCase());
    // Echo the name only when it cannot be a key pasted without its name (keys are >= 22 chars).
    const shown = /^[A-Za-z]\w{0,19}$/.test(raw) ? raw : `in part ${i + 1}`;
    if (name === undefined) fail('unknown-field', `${what} has an unknown field ${shown}: known fields are ${known.join(', ')}`);
    if (fields.has(name)) fail('duplicate-field', `${what} has ${name} twice: keep one`);
    const value = part.slice(eq + 1).trim();
    if (value === '') fail('bad-field', `${what} has an empty ${name}: give it a value or leave it out`);
    fields.set(name, value);
  });
  return fields;
}

function hostPort(field: string, text: string): { host: string; port?: number } {
  const m = HOST_PORT.exec(text);
  const port = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!m || (port !== undefined && (port < 1 || port > 65535))) fail('bad-field', `${field} must be host or host:port with port 1-65535`);
  return port === undefined ? { host: m[1]! } : { host: m[1]!, port };
}

function flag(field: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (!/^(true|false)$/i.test(text)) fail('bad-field', `${field} must be true or false`);
  return text.toLowerCase() === 'true';
}

function required<F extends string>(fields: Map<F, string>, name: F, what: string): string {
  return fields.get(name) ?? fail('missing-field', `${what} has no ${name}`);
}

/** Shared-key credentials: a key and/or a signature, never neither, never both. */
function credentials<F extends string>(fields: Map<F, string>, key: F, signature: F, what: string, orX509 = false): void {
  if (fields.has(key) && fields.has(signature)) fail('conflicting-fields', `${what} has both ${key} and ${signature}: keep one`);
  if (!fields.has(key) && !fields.has(signature) && !orX509) fail('missing-field', `${what} has neither ${key} nor ${signature}`);
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function parseIotHubConnectionString(text: string): IotHubConnectionString {
  const what = 'IoT Hub connection string';
  const f = parseFields(text, IOT_HUB_FIELDS, what);
  const hostName = required(f, 'HostName', what);
  const { host, port } = hostPort('HostName', hostName);
  const deviceId = f.get('DeviceId');
  const x509 = flag('x509', f.get('x509'));
  const kind = deviceId === undefined ? 'service' : 'device';
  const key = f.get('SharedAccessKey');
  if (key !== undefined && !BASE64.test(key)) fail('bad-field', `${what} has a SharedAccessKey that is not base64: copy the key exactly`);
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

/** Joins the defined pairs; a value with `;` cannot be written. */
function join(pairs: [string, string | boolean | undefined][]): string {
  return pairs
    .filter((p): p is [string, string | boolean] => p[1] !== undefined)
    .map(([name, value]) => {
      if (String(value).includes(';')) fail('bad-field', `${name} contains ';', which a connection string cannot hold`);
      return `${name}=${value}`;
    })
    .join(';');
}

export function formatIotHubConnectionString(c: IotHubConnectionStringFields): string {
  const text = join([
    ['HostName', c.hostName], ['DeviceId', c.deviceId], ['ModuleId', c.moduleId], ['SharedAccessKeyName', c.sharedAccessKeyName],
    ['SharedAccessKey', c.sharedAccessKey], ['SharedAccessSignature', c.sharedAccessSignature],
    ['x509', c.x509], ['GatewayHostName', c.gatewayHostName],
  ]);
  parseIotHubConnectionString(text);
  return text;
}

export function formatEventHubConnectionString(c: EventHubConnectionStringFields): string {
  const text = join([
    ['Endpoint', c.endpoint], ['SharedAccessKeyName', c.sharedAccessKeyName], ['SharedAccessKey', c.sharedAccessKey],
    ['SharedAccessSignature', c.sharedAccessSignature], ['EntityPath', c.entityPath],
    ['UseDevelopmentEmulator', c.useDevelopmentEmulator === true ? true : undefined],
  ]);
  parseEventHubConnectionString(text);
  return text;
}
