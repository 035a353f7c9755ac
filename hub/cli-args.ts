// Shared by the `fogbridge hub` command modules (cli.ts, cli-device.ts): the injectable I/O and
// argument checks whose messages name the offending option.
export interface HubCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  now(): number;
  /** Resolves when the user asks the hub to stop (SIGINT / SIGTERM). */
  stopRequested(): Promise<string>;
}

export class UsageError extends Error {}

export function wholeNumber(option: string, text: string, min: number, max: number): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${option} must be a whole number ${min}..${max}, got '${text}'`);
  return Number(text);
}
