// startConsole(): the live web console (issue 6 item 2), a Device Explorer for the local hub,
// served by the hub process. Composition:
//   static files (static-files.ts) + ConsoleModel (model.ts) ← TelemetryFeed, CommandFeed (AMQP,
//   feeds.ts) → SseChannel (sse.ts) → node:http server (http.ts); the device list polls
//   hub.devices() and pushes a change; the gateway panel is fetched on request (gateway-stats.ts).
// close(): ends the browser streams, the HTTP server and the AMQP feeds (before the hub closes).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceState } from '../hub.js';
import { CommandFeed, TelemetryFeed, type FeedSource } from './feeds.js';
import { fetchGatewayPanel } from './gateway-stats.js';
import { consoleHandler } from './http.js';
import { ConsoleModel } from './model.js';
import { resolveConsoleOptions, type ConsoleOptions, type ResolvedConsoleOptions } from './options.js';
import { SseChannel } from './sse.js';
import { loadStaticFiles } from './static-files.js';

/** What the console needs from the hub: a `Hub` (hub.ts) has all of it. */
export interface ConsoleHub {
  connectionStrings: { service: string; eventHub: string };
  certificates: { caPem: string };
  devices(): DeviceState[];
}

export interface WebConsole {
  readonly options: ResolvedConsoleOptions;
  /** The port actually listened on (options.port may be 0). */
  readonly port: number;
  /** `http://<host>:<port>/` (IPv6 hosts in brackets; 0.0.0.0 shown as localhost). */
  readonly url: string;
  close(): Promise<void>;
}

export class ConsolePortError extends Error {
  override readonly name = 'ConsolePortError';
}

export async function startConsole(hub: ConsoleHub, options: ConsoleOptions = {}): Promise<WebConsole> {
  const o = resolveConsoleOptions(options);
  const files = loadStaticFiles();
  const model = new ConsoleModel(() => hub.devices(), o);
  const sse = new SseChannel();
  const source: FeedSource = { connectionStrings: hub.connectionStrings, ca: hub.certificates.caPem };
  const telemetry = new TelemetryFeed(source, model, o);
  const commands = new CommandFeed(source, model, o);
  const unsubscribe = model.subscribe((event) => sse.send(event.name, event.data));

  const loopbackOnly = /^(127\.|::1$|localhost$)/.test(o.host);
  const server: Server = createServer(
    consoleHandler({ files, model, sse, loopbackOnly, sendCommand: (r) => commands.send(r), gateway: () => fetchGatewayPanel(o.gatewayStatsUrl, o.now) }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? ': another program uses it; choose another with --console-port <n> (0 = any free port) or turn the console off with --no-console' : '';
      reject(new ConsolePortError(`web console: cannot listen on ${o.host}:${o.port} (${error.code ?? error.message})${hint}`, { cause: error }));
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  telemetry.start();

  // Connection state lives in the hub process: compare and push only what changed.
  let last = JSON.stringify(hub.devices());
  const poll = setInterval(() => {
    const text = JSON.stringify(hub.devices());
    if (text !== last) model.announceDevices();
    last = text;
  }, o.devicePollMs);
  poll.unref();

  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    options: o,
    port,
    url: `http://${shownHost}:${port}/`,
    close() {
      closing ??= (async () => {
        clearInterval(poll);
        unsubscribe();
        sse.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([telemetry.close(), commands.close()]);
      })();
      return closing;
    },
  };
}
