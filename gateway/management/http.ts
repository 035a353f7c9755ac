// The management endpoint: read-only HTTP on its own port, bound to loopback unless the config's
// `management` section says otherwise (qdrouterd's HTTP listener, qdrouterd.md §1.2, §2.8). Devices
// speak AMQP on the listeners and never reach it: the gateway has no `$management` node, so an
// attach to it gets qd:no-route-to-dest unless a link route sends it to the hub.
//   GET /stat/general | /stat/connections | /stat/links | /stat/linkroutes   JSON (gateway/README.md)
//   GET /metrics                                                             Prometheus text
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusText } from './metrics.js';
import { connectionStats, generalStat, linkRouteStats, linkStats, type GatewayView } from './snapshot.js';

export interface ManagementServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const VIEWS: Record<string, (g: GatewayView) => unknown> = {
  '/stat/general': generalStat,
  '/stat/connections': connectionStats,
  '/stat/links': linkStats,
  '/stat/linkroutes': linkRouteStats,
};

export function startManagement(g: GatewayView, at: { host: string; port: number }): Promise<ManagementServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'read-only: GET only\n');
    if (path === '/metrics') return send(200, 'text/plain; version=0.0.4; charset=utf-8', prometheusText(g));
    const view = VIEWS[path];
    if (view) return send(200, 'application/json', `${JSON.stringify(view(g), null, 2)}\n`);
    send(404, 'text/plain', `not found: ${path} (try ${[...Object.keys(VIEWS), '/metrics'].join(', ')})\n`);
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: at.host, port: at.port }, () => {
      const a = server.address() as AddressInfo;
      resolve({
        host: a.address,
        port: a.port,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
