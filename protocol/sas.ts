// SharedAccessSignature tokens (reference/iot-hub-amqp.md §3).
//
// Contract: pure functions; the clock is a parameter (`nowSeconds`), never read here. Bad input
// throws SasError (a ProtocolError) with a stable `code`, never anything else, and no message
// ever contains a key or a signature.
// - createSasToken signs `<sr>\n<se>` with HMAC-SHA256 (§3.2). Two key conventions: 'iothub'
//   (the device and service SDKs) HMACs with the base64-decoded key and strict-URI-encodes the
//   resource; 'eventhub' (@azure/core-amqp) HMACs with the key's UTF-8 text and uses plain
//   encodeURIComponent. Field order follows the SDK of each convention, so both reproduce the
//   SDKs' tokens byte for byte (§3.1): iothub `sr, sig, skn, se`; eventhub `sr, sig, se, skn`.
// - parseSasToken is order-independent, keeps `sr` exactly as received (it is what was signed)
//   and decodes the rest.
// - verifySasToken checks the signature first (so a forged token never learns about expiry),
//   then expiry: a token is expired when nowSeconds >= se.
// - audienceCovers: whole path-segment prefix match, host case-insensitive (§3.3).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CodedError } from './coded-error.js';

export type KeyConvention = 'iothub' | 'eventhub';
export const KEY_CONVENTIONS = ['iothub', 'eventhub'] as const satisfies readonly KeyConvention[];

export type SasErrorCode = 'malformed' | 'missing-field' | 'duplicate-field' | 'bad-field' | 'bad-key' | 'expired' | 'bad-signature';

export class SasError extends CodedError<SasErrorCode> {}

export interface SasToken {
  /** The resource exactly as received (URL-encoded): the bytes that were signed. */
  sr: string;
  /** `sr` decoded: the resource the token grants access to. */
  audience: string;
  /** The signature, decoded from its URL encoding: base64 text. */
  sig: string;
  /** Expiry, seconds since the epoch. */
  se: number;
  /** The policy (key) name, decoded; absent for device-scope tokens. */
  skn?: string;
}

export interface CreateSasTokenOptions {
  /** Unencoded resource, e.g. `myhub.azure-devices.net/devices/d1`. */
  audience: string;
  key: string;
  keyConvention: KeyConvention;
  keyName?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const PREFIX = 'SharedAccessSignature';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^\d{1,15}$/;

/** azure-iot-common's encodeUriComponentStrict: also escapes `! ' ( ) *` (lower-case hex, §3.2). */
export function encodeUriComponentStrict(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

function encoderFor(convention: KeyConvention): (text: string) => string {
  return convention === 'iothub' ? encodeUriComponentStrict : encodeURIComponent;
}

/** Strict base64 (the alphabet, whole quads, correct padding): what IoT Hub keys are. */
export function isBase64(text: string): boolean {
  return BASE64.test(text);
}

function keyBytes(key: string, convention: KeyConvention): Buffer {
  if (convention === 'eventhub') {
    if (key.length === 0) throw new SasError('bad-key', 'the key is empty: pass the policy key text');
    return Buffer.from(key, 'utf8');
  }
  if (key.length === 0 || !BASE64.test(key)) {
    throw new SasError('bad-key', "the key is not base64: an 'iothub' key must be the base64 text from the connection string");
  }
  return Buffer.from(key, 'base64');
}

function checkExpiry(se: number): number {
  if (!Number.isSafeInteger(se) || se < 0) {
    throw new SasError('bad-field', 'se (expiresAt) must be a whole number of seconds since the epoch, >= 0');
  }
  return se;
}

/** The base64 HMAC-SHA256 of `<sr>\n<se>` (§3.2), `sr` exactly as placed in the token. */
export function signSas(sr: string, se: number, key: string, keyConvention: KeyConvention): string {
  return createHmac('sha256', keyBytes(key, keyConvention)).update(`${sr}\n${checkExpiry(se)}`).digest('base64');
}

export function createSasToken(o: CreateSasTokenOptions): string {
  if (o.audience.length === 0) throw new SasError('bad-field', 'audience is empty: pass the resource, e.g. <host>/devices/<id>');
  if (o.keyName !== undefined && o.keyName.length === 0) throw new SasError('bad-field', 'keyName is empty: omit it or name the policy');
  const encode = encoderFor(o.keyConvention);
  const sr = encode(o.audience);
  const fields: [string, string][] = [['sr', sr], ['sig', encode(signSas(sr, o.expiresAt, o.key, o.keyConvention))]];
  const skn: [string, string][] = o.keyName === undefined ? [] : [['skn', encode(o.keyName)]];
  const se: [string, string] = ['se', String(o.expiresAt)];
  const ordered = o.keyConvention === 'iothub' ? [...fields, ...skn, se] : [...fields, se, ...skn];
  return `${PREFIX} ${ordered.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

function decodeField(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw new SasError('bad-field', `${name} is not valid URL encoding: escape '%' as %25`, { cause });
  }
}

export function parseSasToken(token: string): SasToken {
  // Guards callers that pass an AMQP body straight through (it may be a Buffer or absent).
  if (typeof token !== 'string') throw new SasError('malformed', `a token is a string, got ${typeof token}`);
  const parts = token.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0] !== PREFIX) {
    throw new SasError('malformed', `a token reads '${PREFIX} sr=...&sig=...&se=...' (one space, no spaces inside)`);
  }
  const fields = new Map<string, string>();
  for (const pair of parts[1]!.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SasError('malformed', 'each token field reads name=value, joined by &');
    const name = pair.slice(0, eq);
    if (fields.has(name)) throw new SasError('duplicate-field', `field ${name} appears twice: keep one`);
    fields.set(name, pair.slice(eq + 1));
  }
  const required = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined || value === '') throw new SasError('missing-field', `field ${name} is missing or empty`);
    return value;
  };
  const sr = required('sr');
  const sig = decodeField('sig', required('sig'));
  if (!BASE64.test(sig)) throw new SasError('bad-field', 'sig is not base64 (after URL-decoding)');
  const seText = required('se');
  if (!DECIMAL.test(seText)) throw new SasError('bad-field', 'se must be decimal seconds since the epoch');
  const result: SasToken = { sr, audience: decodeField('sr', sr), sig, se: Number(seText) };
  const skn = fields.get('skn');
  if (skn !== undefined) {
    if (skn === '') throw new SasError('bad-field', 'skn is empty: omit it or name the policy');
    result.skn = decodeField('skn', skn);
  }
  return result;
}

export function verifySasToken(t: SasToken, key: string, keyConvention: KeyConvention, nowSeconds: number): void {
  const expected = Buffer.from(signSas(t.sr, t.se, key, keyConvention), 'base64');
  const given = Buffer.from(t.sig, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SasError('bad-signature', `the signature does not match the key${t.skn ? ` of policy ${t.skn}` : ''} (check the key and the key convention)`);
  }
  if (nowSeconds >= t.se) throw new SasError('expired', `the token expired at ${t.se} (now ${nowSeconds}): make a new one`);
}

/** `host/a/b` from `amqps://HOST/a/b/`: scheme and trailing `/` removed, host lower-cased, split. */
function segments(uri: string): string[] {
  const parts = uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '').split('/');
  parts[0] = parts[0]!.toLowerCase();
  return parts;
}

/** True when a token for `tokenAudience` grants access to `resource` (whole-segment prefix). */
export function audienceCovers(tokenAudience: string, resource: string): boolean {
  const granted = segments(tokenAudience);
  const wanted = segments(resource);
  if (granted[0] === '' || granted.length > wanted.length) return false;
  return granted.every((segment, i) => segment === wanted[i]);
}
