// Prometheus text exposition (format 0.0.4) of the gateway's state, as qdrouterd's HTTP listener
// serves `/metrics` (qdrouterd.md §1.2 listener `metrics`, §2.8). Every name has the
// `fogbridge_gateway_` prefix; counters end in `_total`; each sample is one `name{labels} value` line.
import { generalStat, linkRouteStats, type GatewayView } from './snapshot.js';

type Sample = [labels: Record<string, string>, value: number];

function family(name: string, type: 'counter' | 'gauge', help: string, samples: Sample[]): string[] {
  const full = `fogbridge_gateway_${name}`;
  const label = (l: Record<string, string>) => {
    const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
    return parts.length ? `{${parts.join(',')}}` : '';
  };
  return [`# HELP ${full} ${help}`, `# TYPE ${full} ${type}`, ...samples.map(([l, v]) => `${full}${label(l)} ${v}`)];
}

export function prometheusText(g: GatewayView): string {
  const s = generalStat(g);
  const routes = linkRouteStats(g);
  const outcomes = (['accepted', 'rejected', 'released', 'modified'] as const).map((o): Sample => [{ outcome: o }, s.deliveries[o]]);
  return [
    ...family('uptime_seconds', 'gauge', 'Seconds since the gateway started.', [[{}, s.uptimeSeconds]]),
    ...family('connections', 'gauge', 'Open connections by direction (in = devices, out = hub).', [[{ dir: 'in' }, s.deviceConnections], [{ dir: 'out' }, s.upstreamConnections]]),
    ...family('links', 'gauge', 'Routed links open end to end.', [[{}, s.links]]),
    ...family('link_routes_active', 'gauge', 'Link routes whose connector is up.', [[{}, s.activeLinkRoutes]]),
    ...family('link_route_active', 'gauge', 'Each link route: 1 when its connector is up.', routes.map((r): Sample => [{ name: r.name, direction: r.direction }, r.status === 'active' ? 1 : 0])),
    ...family('connections_opened_total', 'counter', 'Device connections accepted.', [[{}, s.connectionsOpened]]),
    ...family('connections_closed_total', 'counter', 'Device connections ended.', [[{}, s.connectionsClosed]]),
    ...family('connections_refused_total', 'counter', 'Device connections refused by policy.maxConnections.', [[{}, s.connectionsRefused]]),
    ...family('links_attached_total', 'counter', 'Routed links the hub accepted.', [[{}, s.linksAttached]]),
    ...family('links_detached_total', 'counter', 'Routed links that ended after being attached.', [[{}, s.linksDetached]]),
    ...family('links_refused_total', 'counter', 'Device attaches refused, by AMQP condition.', Object.entries(s.linksRefused).map(([c, n]): Sample => [{ condition: c }, n])),
    ...family('deliveries_total', 'counter', 'Deliveries forwarded on routed links (both directions).', [[{}, s.deliveries.delivered]]),
    ...family('deliveries_aborted_total', 'counter', 'Aborted transfers dropped.', [[{}, s.deliveries.aborted]]),
    ...family('outcomes_total', 'counter', 'Outcomes relayed back, by outcome.', outcomes),
    ...family('put_tokens_total', 'counter', 'CBS put-token answers relayed to devices, by status code.', Object.entries(s.putTokens).map(([c, n]): Sample => [{ status: c }, n])),
    ...family('upstream_connects_total', 'counter', 'Upstream connections opened to the hub.', [[{}, s.upstreamConnects]]),
    ...family('upstream_losses_total', 'counter', 'Open upstream connections lost.', [[{}, s.upstreamLosses]]),
  ].join('\n') + '\n';
}
