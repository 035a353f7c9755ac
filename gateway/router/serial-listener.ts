// A `serialListener` (gateway/README.md, issue 5 item 2): one serial port, the reliable serial
// link of hardware/ as the responder, and every session a board opens handed to the one AMQP
// listener path (accept.ts) like a TCP connection: same CBS proxy, authorization, limits and stats.
// A port that cannot be opened, or disappears (USB adapter unplugged, socat gone), is reopened with
// the connectors' exponential backoff and jitter; each step is logged (SERVER, CONN_MGR).
import type { Duplex } from 'node:stream';
import { SerialLink } from '../../hardware/serial-link/index.js';
import { backoffMs } from './backoff.js';
import type { RouterDeps } from './options.js';
import type { SerialListenerPlan } from '../config/to-options.js';

export class SerialListener {
  private line: Duplex | undefined;
  private link: SerialLink | undefined;
  private failures = 0;
  private timer: unknown;
  private closed = false;

  constructor(
    readonly plan: SerialListenerPlan,
    private readonly deps: RouterDeps,
    private readonly accept: (stream: Duplex, label: string) => void,
  ) {}

  /** Whether the port is open and the link is listening for a board. */
  get isOpen(): boolean {
    return this.line !== undefined;
  }

  start(): void {
    if (this.closed) return;
    const { name, device, baud } = this.plan;
    this.deps.serial.open(this.plan).then(
      (line) => {
        if (this.closed) return void line.destroy();
        this.failures = 0;
        this.line = line;
        const link = new SerialLink(line, { role: 'responder', scheduler: this.deps.serial.scheduler, baud });
        this.link = link;
        link.on('stream', (stream) => {
          this.deps.log('SERVER', 'info', `serialListener ${name}: a board opened a serial link session on ${device}`);
          this.accept(stream, `${name} serial ${device}`);
        });
        const gone = (error?: Error): void => {
          if (this.line !== line) return;
          this.line = undefined;
          link.detach();
          if (!line.destroyed) line.destroy(); // an errored port still holds its exclusive lock until closed
          if (this.closed) return;
          this.deps.log('CONN_MGR', 'warning', `serialListener ${name}: ${device} ${error ? `failed (${error.message})` : 'closed'}: reopening`);
          this.retry();
        };
        line.once('error', gone);
        line.once('close', () => gone());
        this.deps.log('SERVER', 'info', `serialListener ${name}: listening on ${device} at ${baud} bit/s`);
      },
      (error: Error) => {
        if (this.closed) return;
        this.deps.log('CONN_MGR', 'warning', `serialListener ${name}: cannot open ${device} (${error.message})`);
        this.retry();
      },
    );
  }

  close(): void {
    this.closed = true;
    this.deps.clock.clearTimeout(this.timer);
    this.link?.detach();
    this.line?.destroy();
    this.line = undefined;
  }

  /** Exponential backoff with jitter, as the connectors reconnect (backoff.ts). */
  private retry(): void {
    const wait = backoffMs(this.failures, this.deps);
    this.failures += 1;
    this.deps.log('CONN_MGR', 'info', `serialListener ${this.plan.name}: reopening ${this.plan.device} in ${wait} ms (attempt ${this.failures})`);
    this.timer = this.deps.clock.setTimeout(() => this.start(), wait);
  }
}
