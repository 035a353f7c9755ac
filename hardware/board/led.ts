// The onboard LED (Netduino Plus 2: the blue user LED). 'blink' toggles every half period, counted
// from the moment blinking started, so whether it is lit is a pure function of the clock.
import type { Clock } from '../clock.js';

export type LedMode = 'on' | 'off' | 'blink';

export interface LedChange {
  mode: LedMode;
  at: number;
}

export class Led {
  #mode: LedMode = 'off';
  #blinkSince = 0;
  #listeners = new Set<(change: LedChange) => void>();

  constructor(
    private readonly clock: Clock,
    /** Half a blink cycle: lit for this long, then dark for this long. */
    readonly blinkHalfPeriodMs = 500,
  ) {}

  get mode(): LedMode {
    return this.#mode;
  }

  set(mode: LedMode): void {
    if (mode === this.#mode) return;
    this.#mode = mode;
    const at = this.clock.now();
    if (mode === 'blink') this.#blinkSince = at;
    for (const listener of this.#listeners) listener({ mode, at });
  }

  /** Whether light comes out of the LED right now. */
  isLit(): boolean {
    if (this.#mode !== 'blink') return this.#mode === 'on';
    return Math.floor((this.clock.now() - this.#blinkSince) / this.blinkHalfPeriodMs) % 2 === 0;
  }

  /** Calls `listener` on every mode change; returns the function that unsubscribes. */
  onChange(listener: (change: LedChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
