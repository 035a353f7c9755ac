// The firmware machine's data: its input, its timing table (config as data), its context, and the
// pure context updates its actions make. No XState here, so each piece is testable on its own.
import type { NetduinoPlus2 } from '../../hardware/board/netduino.js';
import type { Transport } from '../../hardware/transport/transport.js';
import { createSasToken } from '../../protocol/sas.js';
import { deviceAudience } from '../../protocol/address.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../backoff.js';
import { readingMessage, type DeviceEnvelope, type Reading } from '../messages.js';
import { createOutbox, enqueue, type Outbox } from '../outbox.js';
import type { CommandOutcome, FailureReason } from '../session.js';

/** Every duration the firmware waits for, in one table. */
export interface FirmwareTiming {
  /** From power-on (or reboot) to opening the transport. */
  bootMs: number;
  /** How long the peer may take to answer one step (link up, AMQP open, CBS, attach). */
  stepTimeoutMs: number;
  /** SAS token lifetime (reference/iot-hub-amqp.md §2.5: the device SDK uses 1 h). */
  tokenLifetimeS: number;
  /** Put a fresh token this long after the last one was accepted (45 min for a 1 h token, as the SDK). */
  tokenRenewalMs: number;
  backoff: BackoffPolicy;
  /** From accepting a reboot command to booting again (commands meanwhile are released). */
  rebootMs: number;
  /** How long a clean shutdown waits for the peer's close. */
  closeTimeoutMs: number;
  /** AMQP idle-time-out the board advertises. */
  idleTimeoutMs: number;
}

export const FIRMWARE_TIMING: FirmwareTiming = {
  bootMs: 250,
  stepTimeoutMs: 30_000,
  tokenLifetimeS: 3_600,
  tokenRenewalMs: 45 * 60_000,
  backoff: DEFAULT_BACKOFF,
  rebootMs: 2_000,
  closeTimeoutMs: 3_000,
  idleTimeoutMs: 120_000,
};

/** The sampling interval of a fresh board (DESIGN "Defaults": every 5 s). */
export const DEFAULT_INTERVAL_MS = 5_000;

export interface FirmwareDeps {
  board: NetduinoPlus2;
  /** How the board reaches the gateway (TCP, serial link, in-memory pair). */
  transport: Transport;
  /** IV / nonce bytes for the envelope. */
  randomBytes: (n: number) => Uint8Array;
  /** Uniform [0, 1) for backoff jitter. */
  random: () => number;
}

export interface FirmwareInput {
  deviceId: string;
  /** The IoT hub's HostName (with any :port): the SAS audience host and the AMQP open hostname. */
  hubHostName: string;
  /** The device's SharedAccessKey (base64). */
  deviceKey: string;
  envelope: DeviceEnvelope;
  intervalMs?: number;
  timing?: Partial<FirmwareTiming>;
  deps: FirmwareDeps;
}

export interface FirmwareStats {
  reconnects: number;
  alerts: number;
  tokens: number;
  commands: Record<CommandOutcome, number>;
}

export interface FirmwareContext {
  deviceId: string;
  hubHostName: string;
  deviceKey: string;
  envelope: DeviceEnvelope;
  deps: FirmwareDeps;
  timing: FirmwareTiming;
  defaultIntervalMs: number;
  intervalMs: number;
  boot: number;
  seq: number;
  outbox: Outbox;
  /** Failed attempts since the last time the board was online. */
  attempt: number;
  backoffMs: number;
  lastFailure?: { reason: FailureReason; detail: string };
  lastCommand?: { outcome: CommandOutcome; detail: string };
  /** se (s) of the token put last; `pendingTokenExpiresAt` while CBS has not answered. */
  tokenExpiresAt?: number;
  pendingTokenExpiresAt?: number;
  stats: FirmwareStats;
}

export function initialContext(input: FirmwareInput): FirmwareContext {
  const intervalMs = input.intervalMs ?? DEFAULT_INTERVAL_MS;
  return {
    deviceId: input.deviceId,
    hubHostName: input.hubHostName,
    deviceKey: input.deviceKey,
    envelope: input.envelope,
    deps: input.deps,
    timing: { ...FIRMWARE_TIMING, ...input.timing },
    defaultIntervalMs: intervalMs,
    intervalMs,
    boot: 0,
    seq: 0,
    outbox: createOutbox(input.deps.board.profile.outboxCapacity),
    attempt: 0,
    backoffMs: 0,
    stats: { reconnects: 0, alerts: 0, tokens: 0, commands: { accepted: 0, rejected: 0, released: 0 } },
  };
}

/** Samples the sensors and puts the sealed reading (or alert) into the outbox. */
export function queueReading(c: FirmwareContext, alert?: 'button'): Pick<FirmwareContext, 'seq' | 'outbox'> {
  const { board, randomBytes } = c.deps;
  const seq = c.seq + 1;
  const reading: Reading = {
    deviceId: c.deviceId,
    boot: c.boot,
    seq,
    ts: Math.round(board.clock.now()),
    temperature: board.readTemperature(),
    light: board.readLight(),
    led: board.led.mode,
    ...(alert ? { alert } : {}),
  };
  return { seq, outbox: enqueue(c.outbox, readingMessage(reading, c.envelope, randomBytes)).outbox };
}

/** A device-scope SAS token for the next put-token (§3.3: sr = HostName/devices/<id>, no skn). */
export function nextToken(c: FirmwareContext): { audience: string; token: string; expiresAt: number } {
  const audience = deviceAudience(c.hubHostName, c.deviceId);
  const expiresAt = Math.floor(c.deps.board.clock.now() / 1000) + c.timing.tokenLifetimeS;
  return { audience, token: createSasToken({ audience, key: c.deviceKey, keyConvention: 'iothub', expiresAt }), expiresAt };
}

export function nextBackoff(c: FirmwareContext): Pick<FirmwareContext, 'attempt' | 'backoffMs' | 'stats'> {
  const attempt = c.attempt + 1;
  return {
    attempt,
    backoffMs: backoffDelay(attempt, c.timing.backoff, c.deps.random),
    stats: { ...c.stats, reconnects: c.stats.reconnects + 1 },
  };
}
