// A board on a serial line: the raw line (a real port or one end of a socat pty pair) carries the
// reliable serial link (hardware/serial-link, docs/serial-link.md), and AMQP runs over the link's
// ordered, lossless stream. Each open() opens the line and a link session; when the AMQP side is
// done with the stream (closed or destroyed) the session is closed and the line released, so the
// next attempt can open the (exclusively locked) port again.
import type { Duplex } from 'node:stream';
import type { Scheduler } from '../hardware/clock.js';
import { SerialLink } from '../hardware/serial-link/link.js';
import type { Transport } from '../hardware/transport/transport.js';

/** How long a closing link session may take before the line is dropped anyway. */
const CLOSE_GRACE_MS = 2_000;
/** A link open keeps retrying while nobody answers (§7.3); give up after this so the port is released. */
const OPEN_TIMEOUT_MS = 10_000;

export function serialLinkTransport(line: Transport, options: { scheduler: Scheduler; baud: number }): Transport {
  return {
    describe: () => `${line.describe()} + serial link`,
    open: async () => {
      const raw = await line.open();
      const link = new SerialLink(raw, { role: 'initiator', scheduler: options.scheduler, baud: options.baud });
      let stream: Duplex;
      let timer: unknown;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = options.scheduler.setTimeout(() => reject(new Error(`no serial-link answer within ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
        });
        stream = await Promise.race([link.open(), timeout]);
        options.scheduler.clearTimeout(timer);
      } catch (error) {
        options.scheduler.clearTimeout(timer);
        link.detach();
        raw.destroy();
        throw error;
      }
      stream.once('close', () => {
        const timer = options.scheduler.setTimeout(() => release(), CLOSE_GRACE_MS);
        const release = (): void => {
          options.scheduler.clearTimeout(timer);
          // After detach nobody listens on the line: a write still in flight when the far end
          // went away (socat stopped, adapter unplugged) fails with EIO, which must not crash the process.
          raw.on('error', () => undefined);
          link.detach();
          raw.destroy();
        };
        link.close().then(release, release);
      });
      return stream;
    },
  };
}
