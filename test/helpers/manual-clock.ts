// A clock a test moves by hand (DESIGN 8): timers fire only in advance(), in due order.
import type { Clock } from '../../gateway/router/options.js';

export class ManualClock implements Clock {
  private timers: { due: number; fn: () => void; id: number }[] = [];
  private nextId = 1;

  constructor(private ms = Date.now()) {}

  now(): number {
    return this.ms;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ due: this.ms + ms, fn, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  advance(ms: number): void {
    const until = this.ms + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= until).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.ms = next.due;
      next.fn();
    }
    this.ms = until;
  }
}
