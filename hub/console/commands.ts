// Commands from the page: the request body is checked against the firmware's three commands
// (device-emulator/README.md "Outbox and messages"), sealed with the device's envelope key when
// the keys file has one (`enc` names the envelope, as `fogbridge command --key`), otherwise sent
// as plain JSON with enc=none. Pure, apart from the injected IV source.
import { DEFAULT_ENVELOPE, ENC_PROPERTY, ivLength, parseKey, seal } from '../../protocol/envelope.js';
import type { FeedbackAck } from '../../protocol/feedback.js';
import type { EnvelopeKey } from '../service/body-view.js';

export type FirmwareCommand = { cmd: 'led'; value: 'on' | 'off' | 'blink' } | { cmd: 'interval'; seconds: number } | { cmd: 'reboot' };

export interface CommandRequest {
  deviceId: string;
  command: FirmwareCommand;
  ack: FeedbackAck;
}

export interface EncodedCommand extends CommandRequest {
  body: Uint8Array;
  applicationProperties: Record<string, string>;
  sealed: boolean;
}

/** A request the page should not have sent: answered 400 with the message. */
export class CommandInputError extends Error {
  override readonly name = 'CommandInputError';
}

const ACKS: readonly FeedbackAck[] = ['full', 'positive', 'negative', 'none'];
const LED = ['on', 'off', 'blink'] as const;

export function parseCommandRequest(input: unknown): CommandRequest {
  const bad = (what: string): never => {
    throw new CommandInputError(what);
  };
  if (!input || typeof input !== 'object') return bad('expected a JSON object {deviceId, command, ack}');
  const { deviceId, command, ack } = input as Record<string, unknown>;
  if (typeof deviceId !== 'string' || deviceId.length === 0 || deviceId.length > 128) return bad('deviceId must be a device id (1-128 characters)');
  if (!ACKS.includes(ack as FeedbackAck)) return bad(`ack must be one of ${ACKS.join(', ')}`);
  const c = (command ?? {}) as Record<string, unknown>;
  let parsed: FirmwareCommand;
  if (c.cmd === 'led' && LED.includes(c.value as (typeof LED)[number])) parsed = { cmd: 'led', value: c.value as (typeof LED)[number] };
  else if (c.cmd === 'interval' && Number.isSafeInteger(c.seconds) && (c.seconds as number) >= 1 && (c.seconds as number) <= 86_400) parsed = { cmd: 'interval', seconds: c.seconds as number };
  else if (c.cmd === 'reboot') parsed = { cmd: 'reboot' };
  else return bad('command must be {"cmd":"led","value":"on|off|blink"}, {"cmd":"interval","seconds":1..86400} or {"cmd":"reboot"}');
  return { deviceId, command: parsed, ack: ack as FeedbackAck };
}

export function encodeCommand(request: CommandRequest, key: EnvelopeKey | undefined, randomBytes: (n: number) => Uint8Array): EncodedCommand {
  const plaintext = new TextEncoder().encode(JSON.stringify(request.command));
  if (!key) return { ...request, body: plaintext, applicationProperties: { [ENC_PROPERTY]: 'none' }, sealed: false };
  const cipher = key.cipher ?? DEFAULT_ENVELOPE;
  const body = seal(cipher, parseKey(key.key, cipher), plaintext, randomBytes(ivLength(cipher)));
  return { ...request, body, applicationProperties: { [ENC_PROPERTY]: cipher }, sealed: true };
}
