// A connector: a pool of upstream connections to one hub (DESIGN decision 3). A downstream
// connection is assigned to one pooled connection for its lifetime (its tokens are anchored there,
// qdrouterd.md §5.1); another connection is opened when every open one carries
// `maxDevicesPerConnection`. Each pooled connection reconnects with exponential backoff and jitter
// (qdrouterd uses fixed 2 s / 5 s, qdrouterd.md §8); while none is open the connector is down and
// attaches are refused at once (qdrouterd.md §2.4).
import type { Container } from 'rhea';
import type { ConnectorPlan, RouterDeps } from './options.js';
import { backoffMs } from './backoff.js';
import type { GatewayStats } from './stats.js';
import { UpstreamConnection } from './upstream.js';

/** A downstream connection, as the pool sees it. */
export interface PoolOwner {
  upstreamLost(connector: Connector, upstream: UpstreamConnection): void;
}

interface Slot {
  upstream: UpstreamConnection | undefined;
  owners: Set<PoolOwner>;
  failures: number;
  timer: unknown;
  waiting: { resolve(u: UpstreamConnection): void; reject(e: Error): void }[];
}

export class ConnectorDownError extends Error {}

export class Connector {
  private readonly slots: Slot[] = [];
  private closed = false;
  private readonly watchers = new Set<() => void>();

  constructor(
    readonly plan: ConnectorPlan,
    private readonly container: Container,
    private readonly routerId: string,
    private readonly deps: RouterDeps,
    private readonly stats: GatewayStats,
  ) {}

  /** The pool's open upstream connections with the number of device connections each carries (management). */
  get upstreams(): { upstream: UpstreamConnection; devices: number }[] {
    return this.slots.filter((s) => s.upstream?.isOpen).map((s) => ({ upstream: s.upstream!, devices: s.owners.size }));
  }

  start(): void {
    this.connect(this.addSlot());
  }

  get isUp(): boolean {
    return this.slots.some((s) => s.upstream?.isOpen);
  }

  /** Resolves when the connector is up (or down); an event, not a poll. */
  until(up: boolean): Promise<void> {
    if (this.isUp === up) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.isUp !== up) return;
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
    });
  }

  /** Open upstream connections in the pool. */
  get openConnections(): number {
    return this.slots.filter((s) => s.upstream?.isOpen).length;
  }

  /** The pooled connection `owner` uses; rejects at once when the connector is down. */
  acquire(owner: PoolOwner): Promise<UpstreamConnection> {
    const mine = this.slots.find((s) => s.owners.has(owner) && s.upstream?.isOpen);
    if (mine) return Promise.resolve(mine.upstream!);
    if (!this.isUp) return Promise.reject(new ConnectorDownError(this.plan.name));
    const free = this.slots.find((s) => s.upstream?.isOpen && s.owners.size < this.plan.maxDevicesPerConnection);
    const slot = free ?? this.slots.find((s) => !s.upstream?.isOpen && s.owners.size < this.plan.maxDevicesPerConnection && s.waiting.length > 0) ?? this.grow();
    slot.owners.add(owner);
    if (slot.upstream?.isOpen) return Promise.resolve(slot.upstream);
    return new Promise((resolve, reject) => slot.waiting.push({ resolve, reject }));
  }

  release(owner: PoolOwner): void {
    for (const s of this.slots) s.owners.delete(owner);
  }

  close(): void {
    this.closed = true;
    for (const s of this.slots) {
      this.deps.clock.clearTimeout(s.timer);
      s.upstream?.close();
      for (const w of s.waiting.splice(0)) w.reject(new ConnectorDownError(this.plan.name));
    }
  }

  private addSlot(): Slot {
    const slot: Slot = { upstream: undefined, owners: new Set(), failures: 0, timer: undefined, waiting: [] };
    this.slots.push(slot);
    return slot;
  }

  private grow(): Slot {
    const slot = this.addSlot();
    this.deps.log('CONN_MGR', 'info', `connector ${this.plan.name}: every connection carries ${this.plan.maxDevicesPerConnection} devices, opening connection ${this.slots.length}`);
    this.connect(slot);
    return slot;
  }

  private connect(slot: Slot): void {
    if (this.closed) return;
    this.deps.log('CONN_MGR', 'debug', `connector ${this.plan.name}: connecting to ${this.plan.host}:${this.plan.port}${this.plan.tls ? ' (TLS)' : ''}`);
    slot.upstream = new UpstreamConnection(this.plan, this.container, this.routerId, this.deps, this.stats, {
      open: (u) => {
        slot.failures = 0;
        this.stats.upstreamConnects++;
        this.deps.log('CONN_MGR', 'info', `connector ${this.plan.name}: connected to ${this.plan.host}:${this.plan.port} [${u.id}]${u.tls ? ` TLS=${u.tls}` : ''}`);
        for (const w of slot.waiting.splice(0)) w.resolve(u);
        this.notify();
      },
      lost: (u, error) => {
        if (u.openedAt !== undefined) this.stats.upstreamLosses++;
        this.deps.log('CONN_MGR', 'warning', `connector ${this.plan.name}: ${u.openedAt === undefined ? 'cannot connect to' : `[${u.id}] connection lost to`} ${this.plan.host}:${this.plan.port} (${describe(error)})`);
        const owners = [...slot.owners];
        slot.owners.clear();
        for (const w of slot.waiting.splice(0)) w.reject(new ConnectorDownError(this.plan.name));
        for (const o of owners) o.upstreamLost(this, u);
        this.scheduleReconnect(slot);
        this.notify();
      },
    });
  }

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }

  /** Exponential backoff with full jitter in [delay/2, delay). */
  private scheduleReconnect(slot: Slot): void {
    if (this.closed) return;
    const wait = backoffMs(slot.failures, this.deps);
    slot.failures += 1;
    this.deps.log('CONN_MGR', 'info', `connector ${this.plan.name}: reconnecting in ${wait} ms (attempt ${slot.failures}, backoff cap ${this.deps.reconnect.maxDelayMs} ms)`);
    slot.timer = this.deps.clock.setTimeout(() => this.connect(slot), wait);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'description' in error) return String((error as { description: unknown }).description);
  return String(error);
}
