// The `Name=value;Name=value` grammar shared by the IoT Hub and Event Hubs connection strings
// (connection-string.ts), and its error. Pure; every failure is a ConnectionStringError whose
// message names the field or the part's position, never a value (values hold keys).
import { CodedError } from './coded-error.js';

export type ConnectionStringErrorCode = 'malformed' | 'unknown-field' | 'duplicate-field' | 'missing-field' | 'bad-field' | 'conflicting-fields';

export class ConnectionStringError extends CodedError<ConnectionStringErrorCode> {}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:/\s[\]@]+)(?::(\d{1,5}))?$/;

export function fail(code: ConnectionStringErrorCode, message: string): never {
  throw new ConnectionStringError(code, message);
}

/** Splits into known fields; `what` names the kind of string in messages. */
export function parseFields<F extends string>(text: string, known: readonly F[], what: string): Map<F, string> {
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

export function hostPort(field: string, text: string): { host: string; port?: number } {
  const m = HOST_PORT.exec(text);
  const port = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!m || (port !== undefined && (port < 1 || port > 65535))) fail('bad-field', `${field} must be host or host:port with port 1-65535`);
  return port === undefined ? { host: m[1]! } : { host: m[1]!, port };
}

export function flag(field: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (!/^(true|false)$/i.test(text)) fail('bad-field', `${field} must be true or false`);
  return text.toLowerCase() === 'true';
}

export function required<F extends string>(fields: Map<F, string>, name: F, what: string): string {
  return fields.get(name) ?? fail('missing-field', `${what} has no ${name}`);
}

/** Shared-key credentials: a key and/or a signature, never neither, never both. */
export function credentials<F extends string>(fields: Map<F, string>, key: F, signature: F, what: string, orX509 = false): void {
  if (fields.has(key) && fields.has(signature)) fail('conflicting-fields', `${what} has both ${key} and ${signature}: keep one`);
  if (!fields.has(key) && !fields.has(signature) && !orX509) fail('missing-field', `${what} has neither ${key} nor ${signature}`);
}

export function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Joins the defined pairs; a value with `;` cannot be written. */
export function joinFields(pairs: [string, string | boolean | undefined][]): string {
  return pairs
    .filter((p): p is [string, string | boolean] => p[1] !== undefined)
    .map(([name, value]) => {
      if (String(value).includes(';')) fail('bad-field', `${name} contains ';', which a connection string cannot hold`);
      return `${name}=${value}`;
    })
    .join(';');
}
