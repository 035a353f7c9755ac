// A Scheduler whose time moves only when a test says so. Timers fire in deadline order (ties in
// the order they were set); a timer set while firing, due at or before the target time, fires in
// the same advance. `nextDeadline()` lets a test jump straight to the next event.
import type { Scheduler, TimerHandle } from './clock.js';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

export class SimulatedScheduler implements Scheduler {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** The deadline of the earliest pending timer, or undefined when none is pending. */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const t of this.#timers.values()) if (earliest === undefined || t.due < earliest) earliest = t.due;
    return earliest;
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  advanceTo(time: number): void {
    if (time < this.#now) throw new RangeError(`cannot move time back from ${this.#now} to ${time}`);
    for (;;) {
      const due = this.#earliestDueBy(time);
      if (!due) break;
      this.#timers.delete(due.id);
      this.#now = due.due;
      due.fn();
    }
    this.#now = time;
  }

  #earliestDueBy(time: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers.values()) {
      if (t.due <= time && (!best || t.due < best.due || (t.due === best.due && t.id < best.id))) best = t;
    }
    return best;
  }
}
