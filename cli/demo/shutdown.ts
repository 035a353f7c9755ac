// The demo's stop, guarded: the first SIGINT/SIGTERM starts the ordered shutdown (demo.ts close());
// a second one while it runs exits at once with a message (a repeat of the same signal within
// `repeatMs` of the first is the same Ctrl-C, delivered by both the terminal and npm, and is
// ignored); a watchdog exits non-zero naming the stage that hung when the whole shutdown takes
// longer than `watchdogMs`. Once the shutdown has finished the caller exits the process itself
// (everything acknowledged is committed by then), so a handle left open cannot keep it alive.
// Timers, output and exit are injected: the unit tests drive it with a manual clock.

export const SHUTDOWN_WATCHDOG_MS = 15_000;
/** npm forwards the terminal's Ctrl-C to a child that already got it: a repeat this soon is the same one. */
export const REPEAT_SIGNAL_MS = 2000;

export interface ShutdownDeps {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** One message for the user (stderr). */
  warn(text: string): void;
  /** Ends the process at once. */
  exit(code: number): void;
  /** What still holds the event loop, for the watchdog's report (process._getActiveHandles()). */
  openHandles?(): string[];
}

/** Exit code of a stop forced by a second signal (as a shell reports an interrupted program). */
export const FORCED_EXIT_CODE = 130;
/** Exit code when the watchdog ends a shutdown that hung. */
export const WATCHDOG_EXIT_CODE = 1;

export class ShutdownGuard {
  #first: { signal: string; at: number } | undefined;
  #stage = 'the demo';
  #watchdog: unknown;
  #finished = false;

  constructor(private readonly deps: ShutdownDeps, private readonly o: { watchdogMs: number; repeatMs: number } = { watchdogMs: SHUTDOWN_WATCHDOG_MS, repeatMs: REPEAT_SIGNAL_MS }) {}

  /** Whether the shutdown has begun. */
  get stopping(): boolean {
    return this.#first !== undefined;
  }

  /**
   * A signal arrived. The first one returns true (the caller starts the shutdown, then calls
   * begin()); a later one forces the exit unless it is the first one's echo.
   */
  signal(signal: string): boolean {
    const now = this.deps.now();
    if (!this.#first) {
      this.#first = { signal, at: now };
      return true;
    }
    if (this.#finished) return false;
    if (signal === this.#first.signal && now - this.#first.at <= this.o.repeatMs) return false;
    this.deps.warn(`${signal} again while stopping ${this.#stage}: exiting now, without a clean stop`);
    this.deps.exit(FORCED_EXIT_CODE);
    return false;
  }

  /** Starts the watchdog; call stage() as each part starts stopping, finish() when all did. */
  begin(): void {
    this.#watchdog = this.deps.setTimeout(() => this.#expired(), this.o.watchdogMs);
  }

  stage(what: string): void {
    this.#stage = what;
  }

  finish(): void {
    this.#finished = true;
    this.deps.clearTimeout(this.#watchdog);
  }

  #expired(): void {
    if (this.#finished) return;
    const handles = this.deps.openHandles?.() ?? [];
    this.deps.warn(
      `shutdown watchdog: stopping ${this.#stage} has not finished within ${this.o.watchdogMs / 1000} s; exiting with code ${WATCHDOG_EXIT_CODE}` +
        (handles.length > 0 ? ` (open: ${handles.join(', ')})` : ''),
    );
    this.deps.exit(WATCHDOG_EXIT_CODE);
  }
}

/** The event loop's open handles by kind, e.g. ["Socket×3", "Timeout×2"] (stdio excluded). */
export function describeOpenHandles(): string[] {
  const p = process as unknown as { _getActiveHandles?: () => unknown[] };
  const counts = new Map<string, number>();
  for (const h of p._getActiveHandles?.() ?? []) {
    if (h === process.stdout || h === process.stderr || h === process.stdin) continue;
    const name = (h as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof h;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n === 1 ? name : `${name}×${n}`));
}
