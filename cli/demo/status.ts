// The demo's one-line live status, pure: what the boards, the gateway and the hub report now.
import type { FleetSummary } from '../../device-emulator/fleet.js';

export interface DemoStatus {
  boards: FleetSummary;
  /** Device connections the gateway serves now (TCP and serial). */
  gatewayConnections: number;
  /** Whether the gateway's connector has a TLS connection to the hub. */
  upstreamUp: boolean;
  /** Telemetry messages stored by the hub since it started (what it acknowledged). */
  stored: number;
}

const time = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

export function statusLine(nowMs: number, s: DemoStatus): string {
  const b = s.boards;
  const commands = b.commands.accepted + b.commands.rejected + b.commands.released;
  const commandText = commands === 0 ? 'commands 0' : `commands ${commands} (${b.commands.accepted} run, ${b.commands.rejected} rejected, ${b.commands.released} released)`;
  const outbox = b.outboxDepth > 0 ? `, ${b.outboxDepth} waiting` : '';
  return [
    time(nowMs),
    `boards ${b.online}/${b.devices} online`,
    `sent ${b.sent}, accepted ${b.accepted}${outbox}`,
    commandText,
    `gateway ${s.gatewayConnections} device connection${s.gatewayConnections === 1 ? '' : 's'}, hub link ${s.upstreamUp ? 'up' : 'down'}`,
    `hub stored ${s.stored}`,
  ].join(' · ');
}
