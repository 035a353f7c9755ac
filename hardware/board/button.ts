// The onboard push button. The simulation (a test, the CLI, a key press) calls press(); firmware
// subscribes to the press events, as it would to an InterruptPort on the real board.
import type { Clock } from '../clock.js';

export interface ButtonPress {
  /** 1 for the first press since the board was created. */
  count: number;
  at: number;
}

export class Button {
  #count = 0;
  #listeners = new Set<(press: ButtonPress) => void>();

  constructor(private readonly clock: Clock) {}

  get presses(): number {
    return this.#count;
  }

  press(): void {
    const event = { count: ++this.#count, at: this.clock.now() };
    for (const listener of this.#listeners) listener(event);
  }

  /** Calls `listener` on every press; returns the function that unsubscribes. */
  onPress(listener: (press: ButtonPress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
