// The service's hub-scope token (reference/iot-hub-amqp.md §3.3, vector 2): `sr` = HostName
// exactly as in the connection string, port included and NOT URL-encoded (azure-iothub passes it
// raw), signed as `<sr>\n<se>` with the base64-decoded policy key; fields in the order sr, sig,
// skn, se. A SharedAccessSignature= string is used as given.
import type { IotHubConnectionString } from '../../protocol/connection-string.js';
import { encodeUriComponentStrict, signSas } from '../../protocol/sas.js';

export function serviceToken(c: IotHubConnectionString, expiresAt: number): string {
  if (c.sharedAccessSignature !== undefined) return c.sharedAccessSignature;
  const sig = encodeUriComponentStrict(signSas(c.hostName, expiresAt, c.sharedAccessKey!, 'iothub'));
  return `SharedAccessSignature sr=${c.hostName}&sig=${sig}&skn=${encodeUriComponentStrict(c.sharedAccessKeyName!)}&se=${expiresAt}`;
}
