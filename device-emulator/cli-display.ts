// What `fogbridge device` prints, as pure functions: one line per state transition of a board,
// the connecting progress bar and the live one-line summary of a fleet, and the closing counts.
import type { FleetSummary } from './fleet.js';
import type { FirmwareContext } from './machines/firmware-context.js';
import type { Phase } from './machines/phase.js';

export function clockTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

/** `12:00:01 dev1 connecting -> cbs`, with the reason and the wait on entering backoff. */
export function transitionLine(atMs: number, deviceId: string, from: Phase, to: Phase, c: FirmwareContext): string {
  let why = '';
  if (to === 'backoff' && c.lastFailure) why = ` (${c.lastFailure.reason}: ${c.lastFailure.detail}; retry ${c.attempt} in ${(c.backoffMs / 1000).toFixed(1)} s)`;
  if (to === 'online' && from === 'attaching') why = ` (token valid until ${c.tokenExpiresAt === undefined ? '?' : clockTime(c.tokenExpiresAt * 1000)})`;
  return `${clockTime(atMs)} ${deviceId} ${from} -> ${to}${why}`;
}

export function commandLine(atMs: number, deviceId: string, command: NonNullable<FirmwareContext['lastCommand']>): string {
  return `${clockTime(atMs)} ${deviceId} command ${command.outcome}: ${command.detail}`;
}

export function progressBar(s: FleetSummary, width = 30): string {
  const done = Math.round((s.online / Math.max(1, s.devices)) * width);
  const waiting = s.devices - s.online - (s.phases.backoff ?? 0);
  return `connecting [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${s.online}/${s.devices} online, ${s.phases.backoff ?? 0} in backoff, ${waiting} connecting`;
}

export function summaryLine(s: FleetSummary): string {
  return [
    `online ${s.online}/${s.devices}`,
    `sent ${s.sent}`,
    `accepted ${s.accepted}`,
    `outbox ${s.outboxDepth}`,
    `dropped ${s.dropped}`,
    `rejected ${s.rejected}`,
    `reconnects ${s.reconnects}`,
    `commands ${s.commands.accepted}/${s.commands.rejected}/${s.commands.released} (acc/rej/rel)`,
  ].join(' | ');
}

export function finalLines(s: FleetSummary): string[] {
  const lost = s.dropped > 0 ? `${s.dropped} reading(s) dropped from a full outbox` : 'no reading dropped';
  return [
    `stopped ${s.devices} board(s): sent ${s.sent}, accepted ${s.accepted}, rejected ${s.rejected}, still unacknowledged ${s.outboxDepth}, ${lost}`,
    `reconnects ${s.reconnects}; commands accepted ${s.commands.accepted}, rejected ${s.commands.rejected}, released ${s.commands.released}`,
  ];
}
