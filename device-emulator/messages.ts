// What the firmware puts on the wire and reads from it, as pure functions: the telemetry and alert
// bodies (JSON, sealed with the device's envelope, `enc` property set) and the commands it accepts
// on the devicebound link (opened with the envelope the `enc` property names, then parsed).
import { ENC_PROPERTY, isEnvelopeName, ivLength, open, seal, type EnvelopeName } from '../protocol/envelope.js';
import type { LedMode } from '../hardware/board/led.js';
import type { OutgoingMessage } from './session.js';

export interface DeviceEnvelope {
  name: EnvelopeName;
  key: Uint8Array;
}

export interface Reading {
  deviceId: string;
  /** Boot counter: (boot, seq) names a message uniquely across reboots. */
  boot: number;
  /** Monotonic per boot, shared by telemetry and alerts. */
  seq: number;
  /** Board clock, ms. */
  ts: number;
  temperature: number;
  light: number;
  led: LedMode;
  /** Present on an alert: what raised it. */
  alert?: 'button';
}

/** `<deviceId>:<boot>:<seq>`: unique per device, stable across resends (the hub may dedupe on it). */
export const messageId = (r: Pick<Reading, 'deviceId' | 'boot' | 'seq'>): string => `${r.deviceId}:${r.boot}:${r.seq}`;

/** Seals a reading into the message the outbox keeps. `randomBytes` supplies the IV. */
export function readingMessage(r: Reading, envelope: DeviceEnvelope, randomBytes: (n: number) => Uint8Array): OutgoingMessage & { seq: number } {
  const json = new TextEncoder().encode(JSON.stringify(r));
  const body = seal(envelope.name, envelope.key, json, randomBytes(ivLength(envelope.name)));
  const properties: Record<string, string> = { [ENC_PROPERTY]: envelope.name };
  if (r.alert) properties.alert = 'true';
  return { id: messageId(r), seq: r.seq, body, properties };
}

export type Command = { cmd: 'led'; value: LedMode } | { cmd: 'interval'; seconds: number } | { cmd: 'reboot' };

export type CommandResult = { ok: true; command: Command } | { ok: false; reason: string };

/** Longest sampling interval a command may set: one day. */
export const MAX_INTERVAL_SECONDS = 86_400;

/**
 * Opens and parses a command body. Never throws: anything wrong is `{ ok: false, reason }` (settled rejected).
 * A board knows one envelope, its own: a command whose `enc` names another one is refused, above all
 * `enc=none` to a board that encrypts (anyone on the local network could otherwise drive it in clear).
 * An absent `enc` means the board's own envelope.
 */
export function readCommand(body: Uint8Array, enc: string | undefined, envelope: DeviceEnvelope): CommandResult {
  const name = enc ?? envelope.name;
  if (!isEnvelopeName(name)) return { ok: false, reason: `unknown envelope '${name}'` };
  if (name !== envelope.name) return { ok: false, reason: `sealed with '${name}', but this board uses '${envelope.name}'` };
  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(open(name, envelope.key, body));
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `cannot decrypt or parse: ${(e as Error).message}` };
  }
  return parseCommand(parsed);
}

export function parseCommand(value: unknown): CommandResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const c = value as Record<string, unknown>;
  switch (c.cmd) {
    case 'led':
      return c.value === 'on' || c.value === 'off' || c.value === 'blink'
        ? { ok: true, command: { cmd: 'led', value: c.value } }
        : { ok: false, reason: 'led value is on, off or blink' };
    case 'interval':
      return typeof c.seconds === 'number' && Number.isInteger(c.seconds) && c.seconds >= 1 && c.seconds <= MAX_INTERVAL_SECONDS
        ? { ok: true, command: { cmd: 'interval', seconds: c.seconds } }
        : { ok: false, reason: `interval seconds is a whole number 1..${MAX_INTERVAL_SECONDS}` };
    case 'reboot':
      return { ok: true, command: { cmd: 'reboot' } };
    default:
      return { ok: false, reason: `unknown command ${JSON.stringify(c.cmd)}` };
  }
}
