// Server-Sent Events (HTML Living Standard §9.2 "Server-sent events"): one `text/event-stream`
// response per browser tab; each event is `event: <name>\ndata: <JSON>\n\n` (JSON has no raw
// newline, so one data line). A comment line every `heartbeatMs` keeps proxies and the browser
// from timing the stream out and lets the server notice a tab that went away.
import type { ServerResponse } from 'node:http';

const MAX_BUFFERED = 1024 * 1024;

export function formatEvent(name: string, data: unknown): string {
  if (/[\r\n:]/.test(name)) throw new Error(`bad SSE event name ${JSON.stringify(name)}`);
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseChannel {
  readonly #clients = new Set<ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    this.#heartbeat = setInterval(() => this.#write(': keep-alive\n\n'), heartbeatMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Starts the stream on `res` and sends `first` (the snapshot) before any later event. */
  add(res: ServerResponse, first?: { name: string; data: unknown }): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    // The browser reconnects after this many ms when the stream breaks (hub restart).
    res.write('retry: 2000\n\n');
    if (first) res.write(formatEvent(first.name, first.data));
    this.#clients.add(res);
    res.once('close', () => this.#clients.delete(res));
  }

  send(name: string, data: unknown): void {
    if (this.#clients.size > 0) this.#write(formatEvent(name, data));
  }

  /** Ends every stream (the browser will try again: `retry`). */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const res of this.#clients) {
      // A tab that stopped reading would make the server buffer without bound: drop it instead.
      if (res.writableLength > MAX_BUFFERED) res.destroy();
      else res.write(text);
    }
  }
}
