// The grammar of every IoT Hub AMQP address fogbridge routes or serves (reference/iot-hub-amqp.md
// §4.1, §5.1, §5.2, §6.1). This module is the one place that knows these strings.
//
// Contract: pure. parseAddress returns one IotHubAddress or throws AddressError (a ProtocolError)
// with a stable `code`: 'unknown-address', 'bad-device-id' or 'bad-partition'; nothing else.
//
// Grammar, after removing an optional `amqps://host[:port]` (or `amqp://`) prefix and then one
// optional leading `/`. The fixed words match case-insensitively (§5.2: the Node SDK writes
// `serviceBound`, the docs `servicebound`); ids, hub names and consumer groups keep their case.
//   $cbs                                         cbs          CBS put-token node (§2.1)
//   $management                                  management   Event Hubs management node (§6.1)
//   devices/<id>/messages/events                 device-events   D2C telemetry (§4.1)
//   devices/<id>/messages/devicebound            device-bound    C2D to the device (§4.1)
//   messages/devicebound                         service-bound   the service's C2D sender (§5.1)
//   messages/serviceBound/feedback               feedback        feedback receiver (§5.2)
//   <hub>/ConsumerGroups/<cg>/Partitions/<n>     partition       Event Hubs receiver (§6.1)
// Patterns never overlap (each has a distinct shape), so there is no precedence to resolve.
// Anything else (module, twin and method addresses included) is 'unknown-address'.
//
// Device ids: the device SDK writes them raw in link addresses, the service SDK percent-encodes
// them in `to` (§5.1), so parsing percent-decodes the id segment; a segment that is not valid
// percent-encoding (a raw `%` not followed by two hex digits) is taken as it stands. The
// formatters write ids raw like the SDKs, except `%` as `%25`, so parse(format(id)) === id.
import { CodedError } from './coded-error.js';

export type AddressErrorCode = 'unknown-address' | 'bad-device-id' | 'bad-partition';

export class AddressError extends CodedError<AddressErrorCode> {}

export type IotHubAddress =
  | { kind: 'device-events'; deviceId: string }
  | { kind: 'device-bound'; deviceId: string }
  | { kind: 'service-bound' }
  | { kind: 'feedback' }
  | { kind: 'cbs' }
  | { kind: 'management' }
  | { kind: 'partition'; hub: string; consumerGroup: string; partition: number };

export type AddressKind = IotHubAddress['kind'];

/** IoT Hub device ids: ≤ 128 ASCII alphanumerics and `- : . + % _ # * ? ! ( ) , = @ ; $ '` (case-sensitive). */
const DEVICE_ID = /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/;
const DEVICE_ID_RULE = "1-128 ASCII letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ '";
const NAME = /^[^/]+$/;
const PARTITION = /^\d{1,9}$/;
const SCHEME = /^amqps?:\/\/[^/]*/i;

export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID.test(id);
}

function show(text: string): string {
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
}

function checkDeviceId(id: string): string {
  if (!isValidDeviceId(id)) throw new AddressError('bad-device-id', `device id ${show(id)} is not valid: use ${DEVICE_ID_RULE}`);
  return id;
}

function deviceIdFrom(segment: string): string {
  let id = segment;
  try {
    id = decodeURIComponent(segment);
  } catch {
    // Not percent-encoding: a raw '%' in an id the device SDK did not encode (see the contract).
  }
  return checkDeviceId(id);
}

function checkPartition(text: string): number {
  if (!PARTITION.test(text)) throw new AddressError('bad-partition', `partition ${show(text)} is not a partition number: use 0, 1, 2, ...`);
  return Number(text);
}

export function parseAddress(address: string): IotHubAddress {
  // rhea gives `undefined` for a terminus without an address: that is an unknown address too.
  if (typeof address !== 'string') throw new AddressError('unknown-address', `the address is missing (got ${typeof address}): attach with a terminus address`);
  const path = address.replace(SCHEME, '').replace(/^\//, '');
  if (path === '$cbs') return { kind: 'cbs' };
  if (path === '$management') return { kind: 'management' };
  const parts = path.split('/');
  // `shape` lists the fixed words in lower case; null marks a variable segment.
  const is = (...shape: (string | null)[]): boolean =>
    shape.length === parts.length && shape.every((word, i) => word === null || word === parts[i]!.toLowerCase());
  if (is('devices', null, 'messages', 'events')) return { kind: 'device-events', deviceId: deviceIdFrom(parts[1]!) };
  if (is('devices', null, 'messages', 'devicebound')) return { kind: 'device-bound', deviceId: deviceIdFrom(parts[1]!) };
  if (is('messages', 'devicebound')) return { kind: 'service-bound' };
  if (is('messages', 'servicebound', 'feedback')) return { kind: 'feedback' };
  if (is(null, 'consumergroups', null, 'partitions', null) && parts[0] !== '' && parts[2] !== '') {
    return { kind: 'partition', hub: parts[0]!, consumerGroup: parts[2]!, partition: checkPartition(parts[4]!) };
  }
  throw new AddressError(
    'unknown-address',
    `address ${show(address)} is not an IoT Hub address: expected $cbs, $management, /devices/<id>/messages/events, ` +
      '/devices/<id>/messages/devicebound, /messages/devicebound, /messages/serviceBound/feedback or <hub>/ConsumerGroups/<cg>/Partitions/<n>',
  );
}

/** The id as the device SDK writes it in a link address, with `%` escaped so that it parses back. */
function pathId(id: string): string {
  return checkDeviceId(id).replaceAll('%', '%25');
}

function checkName(what: string, name: string): string {
  if (!NAME.test(name)) throw new AddressError('unknown-address', `${what} ${show(name)} must be non-empty and contain no '/'`);
  return name;
}

/** The canonical string of an address (leading `/` where the SDKs write one). */
export function formatAddress(a: IotHubAddress): string {
  switch (a.kind) {
    case 'device-events': return `/devices/${pathId(a.deviceId)}/messages/events`;
    case 'device-bound': return `/devices/${pathId(a.deviceId)}/messages/devicebound`;
    case 'service-bound': return '/messages/devicebound';
    case 'feedback': return '/messages/serviceBound/feedback';
    case 'cbs': return '$cbs';
    case 'management': return '$management';
    case 'partition':
      checkPartition(String(a.partition));
      return `${checkName('hub', a.hub)}/ConsumerGroups/${checkName('consumer group', a.consumerGroup)}/Partitions/${a.partition}`;
  }
}

export const deviceEventsAddress = (deviceId: string): string => formatAddress({ kind: 'device-events', deviceId });
export const deviceBoundAddress = (deviceId: string): string => formatAddress({ kind: 'device-bound', deviceId });
export const partitionAddress = (hub: string, consumerGroup: string, partition: number): string =>
  formatAddress({ kind: 'partition', hub, consumerGroup, partition });

/** The C2D message's `to` property as the service SDK writes it: the id percent-encoded (§5.1). */
export function c2dToAddress(deviceId: string): string {
  return `/devices/${encodeURIComponent(checkDeviceId(deviceId))}/messages/devicebound`;
}

/** The unencoded SAS audience of a device: `<host>/devices/<id>` (§3.3); createSasToken encodes it. */
export function deviceAudience(host: string, deviceId: string): string {
  return `${checkName('host', host)}/devices/${checkDeviceId(deviceId)}`;
}
