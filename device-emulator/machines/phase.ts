// One word for where the firmware is, read from the machine's snapshot: what the CLI prints on
// each transition (`dev1 connecting -> cbs`) and what tests and the fleet summary count.
import type { SnapshotFrom } from 'xstate';
import type { firmwareMachine } from './firmware.js';

export const PHASES = ['boot', 'link-up', 'connecting', 'cbs', 'attaching', 'online', 'renewing', 'rebooting', 'closing', 'backoff', 'stopped'] as const;
export type Phase = (typeof PHASES)[number];

const SESSION_PHASES: Record<string, Phase> = {
  linkUp: 'link-up',
  connecting: 'connecting',
  cbs: 'cbs',
  attaching: 'attaching',
  online: 'online',
  rebooting: 'rebooting',
  closing: 'closing',
};

export function firmwarePhase(snapshot: Pick<SnapshotFrom<typeof firmwareMachine>, 'value'>): Phase {
  const value = snapshot.value as unknown;
  if (value === 'stopped') return 'stopped';
  const connection = (value as { running: { connection: unknown } }).running.connection;
  if (connection === 'boot' || connection === 'backoff') return connection;
  const session = (connection as { session: string | Record<string, string> }).session;
  if (typeof session === 'string') return SESSION_PHASES[session]!;
  return session.online === 'renewing' ? 'renewing' : 'online';
}
