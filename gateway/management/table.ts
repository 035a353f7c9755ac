// `fogbridge stat` output: the management JSON views (snapshot.ts) as qdstat-like tables
// (qdrouterd.md §2.8). Pure: values in, text out.
import type { ConnectionStat, GeneralStat, LinkRouteStat, LinkStat } from './snapshot.js';

/** Columns padded to their widest cell; a header line, a rule, one line per row. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '='.repeat(w))), ...cells.map(line)].join('\n');
}

const uptime = (s: number): string => {
  const d = Math.floor(s / 86400);
  const hms = [Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return `${String(d).padStart(3, '0')}:${hms}`;
};

export function generalTable(g: GeneralStat): string {
  const rows: [string, string | number][] = [
    ['Version', g.version], ['Mode', g.mode], ['Router Id', g.routerId], ['Uptime', uptime(g.uptimeSeconds)],
    ['Connections (devices / upstream)', `${g.connections} (${g.deviceConnections} / ${g.upstreamConnections})`],
    ['Routed links', g.links], ['Link routes (active)', `${g.linkRoutes} (${g.activeLinkRoutes})`],
    ['Connections opened / closed / refused', `${g.connectionsOpened} / ${g.connectionsClosed} / ${g.connectionsRefused}`],
    ['Links attached / detached', `${g.linksAttached} / ${g.linksDetached}`],
    ...Object.entries(g.linksRefused).map(([c, n]): [string, number] => [`Links refused ${c}`, n]),
    ['Deliveries', g.deliveries.delivered], ['Accepted', g.deliveries.accepted], ['Rejected', g.deliveries.rejected],
    ['Released', g.deliveries.released], ['Modified', g.deliveries.modified], ['Aborted', g.deliveries.aborted],
    ...Object.entries(g.putTokens).map(([c, n]): [string, number] => [`Put-tokens answered ${c}`, n]),
    ['Upstream connects / losses', `${g.upstreamConnects} / ${g.upstreamLosses}`],
  ];
  return `Router Statistics\n${table(['attr', 'value'], rows)}`;
}

export function connectionsTable(c: readonly ConnectionStat[]): string {
  return `Connections\n${table(
    ['id', 'host', 'container', 'role', 'dir', 'via', 'security', 'devices', 'links', 'uptime'],
    c.map((x) => [x.id, x.serialPort ? `serial ${x.serialPort}` : x.host, x.container || '-', x.role, x.dir, x.via, x.tls ?? 'no-security', x.devices.join(',') || '-', x.links, uptime(x.uptimeSeconds)]),
  )}`;
}

export function linksTable(l: readonly LinkStat[]): string {
  return `Router Links\n${table(
    ['conn', 'dir', 'device link', 'peer', 'upstream link', 'address', 'credit', 'unsettled', 'delivered', 'acc', 'rej', 'rel', 'mod'],
    l.map((x) => [x.connection, x.direction, x.deviceLink, x.upstreamConnection ?? '-', x.upstreamLink, x.address, x.credit, x.unsettled, x.delivered, x.accepted, x.rejected, x.released, x.modified]),
  )}`;
}

export function linkRoutesTable(r: readonly LinkRouteStat[]): string {
  return `Link Routes\n${table(
    ['name', 'prefix/pattern', 'dir', 'connection', 'status'],
    r.map((x) => [x.name, x.prefix !== null ? `prefix ${x.prefix}` : `pattern ${x.pattern}`, x.direction, x.connection ?? `containerId ${x.containerId}`, x.status]),
  )}`;
}
