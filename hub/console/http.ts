// The console's HTTP surface (node:http, no framework):
//   GET  /, /console.js, /console.css, /vendor/uPlot.*   the page (static-files.ts)
//   GET  /api/state      everything the page shows, as JSON (ConsoleModel.snapshot())
//   GET  /api/events     Server-Sent Events: `snapshot` first, then telemetry, devices, command, feedback, status
//   GET  /api/gateway    the gateway panel (gateway-stats.ts)
//   POST /api/commands   {deviceId, command, ack} → 202 {messageId} once the hub queued it
// Guards, since the page can send commands: a request whose Host is not a loopback name is
// refused while the console listens on loopback (DNS rebinding), POST needs application/json (a
// cross-site form cannot send it without a CORS preflight, which is never answered) and an
// Origin, when sent, must be this console's own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandInputError, parseCommandRequest, type CommandRequest } from './commands.js';
import type { GatewayPanel } from './gateway-stats.js';
import type { CommandEntry, ConsoleModel } from './model.js';
import type { SseChannel } from './sse.js';
import type { StaticFile } from './static-files.js';

export interface ConsoleBackend {
  files: ReadonlyMap<string, StaticFile>;
  model: Pick<ConsoleModel, 'snapshot'>;
  sse: Pick<SseChannel, 'add'>;
  /** Resolves once the hub accepted the command; rejects with CommandInputError (400) or another error (502). */
  sendCommand(request: CommandRequest): Promise<CommandEntry>;
  gateway(): Promise<GatewayPanel>;
  /** True when the console listens on a loopback address only. */
  loopbackOnly: boolean;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};
const MAX_BODY = 16 * 1024;
const API_PATHS = new Set(['/api/state', '/api/events', '/api/gateway', '/api/commands']);
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function consoleHandler(b: ConsoleBackend): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(b, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: (error as Error).message });
      else res.destroy();
    });
  };
}

async function handle(b: ConsoleBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  const host = req.headers.host ?? '';
  if (b.loopbackOnly && !LOOPBACK_NAMES.has(host.replace(/:\d+$/, '').toLowerCase())) {
    return send(res, 421, { error: `this console answers to localhost only, not ${host}` });
  }
  const file = b.files.get(url.pathname);
  if (file) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'GET only' });
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': file.body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return;
  }
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /api/state':
      return send(res, 200, b.model.snapshot());
    case 'GET /api/events':
      return b.sse.add(res, { name: 'snapshot', data: b.model.snapshot() });
    case 'GET /api/gateway':
      return send(res, 200, await b.gateway());
    case 'POST /api/commands':
      return command(b, req, res, host);
    default:
      return send(res, API_PATHS.has(url.pathname) ? 405 : 404, { error: `no ${req.method} ${url.pathname}` });
  }
}

async function command(b: ConsoleBackend, req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, { error: 'send the command as application/json' });
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return send(res, 403, { error: `commands are taken from this console's own page only, not ${origin}` });
  let text: string;
  try {
    text = await readBody(req);
  } catch (error) {
    return send(res, 413, { error: (error as Error).message });
  }
  try {
    const entry = await b.sendCommand(parseCommandRequest(JSON.parse(text) as unknown));
    send(res, 202, entry);
  } catch (error) {
    if (error instanceof SyntaxError) return send(res, 400, { error: `not JSON: ${error.message}` });
    if (error instanceof CommandInputError) return send(res, 400, { error: error.message });
    send(res, 502, { error: `the hub did not take the command: ${(error as Error).message}` });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk); // beyond: read and dropped, so the 413 can be sent
    });
    req.once('end', () => (size > MAX_BODY ? reject(new Error(`a command body is at most ${MAX_BODY} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(body);
}
