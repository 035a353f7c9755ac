// Time, injected. Nothing in hardware/ reads Date.now or calls the global timers directly: the
// board model takes a Clock, transports and the serial link take a Scheduler, so tests drive time
// with a SimulatedScheduler and run fast and deterministically.
//
// Scheduler is structurally compatible with xstate v5's `SimulatedClock` (now, setTimeout,
// clearTimeout), so the device emulator can hand one simulated clock to its machines and to us.

export interface Clock {
  /** Milliseconds since an arbitrary origin; never goes backwards. */
  now(): number;
}

export type TimerHandle = unknown;

export interface Scheduler extends Clock {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Wall-clock time and Node's timers: for real runs (CLI, gateway, real boards). */
export const systemScheduler: Scheduler = {
  now: () => performance.timeOrigin + performance.now(),
  // Not unref'd: a paced line with bytes in flight or an open link must keep the process alive,
  // as an open socket does. Closing or detaching a link stops its timers.
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
