// The gateway panel's data: the console server reads the gateway's management endpoint (the
// browser never talks to the gateway) and passes on a checked subset, so a gateway that sends
// more, less or odd fields cannot break the page. `--gateway-stats <url>` is the endpoint's base
// URL; the four JSON views of gateway/management/http.ts (qdstat -g, -c, -l, --linkroutes) are read:
//   GET <url>/stat/general      { routerId, version, uptimeSeconds, <counters>: n, deliveries: {..}, linksRefused: {..}, putTokens: {..} }
//   GET <url>/stat/connections  [ { id, host, container, role, dir, via, tls, devices: [ids], links, uptimeSeconds } ]
//   GET <url>/stat/links        [ { connection, direction, address, upstreamConnection, credit, unsettled, delivered, accepted, rejected, released, modified } ]
//   GET <url>/stat/linkroutes   [ { name, pattern, direction, connection, status } ]

export type GatewayPanel =
  | { configured: false }
  | { configured: true; url: string; ok: false; error: string }
  | { configured: true; url: string; ok: true; fetchedAt: number; stats: GatewayStats };

type Row = Record<string, string | number | boolean | string[]>;

export interface GatewayStats {
  router: { id: string; version?: string; uptimeSeconds?: number };
  connections: Row[];
  links: Row[];
  linkRoutes: Row[];
  /** Every number of /stat/general, nested maps flattened (`deliveries.accepted`, `linksRefused.qd:no-route-to-dest`). */
  counters: Record<string, number>;
}

export const GATEWAY_VIEWS = ['general', 'connections', 'links', 'linkroutes'] as const;
export type GatewayViews = Record<(typeof GATEWAY_VIEWS)[number], unknown>;

const CONNECTION_FIELDS = ['id', 'dir', 'role', 'via', 'host', 'container', 'tls', 'devices', 'links', 'uptimeSeconds'];
const LINK_FIELDS = ['connection', 'direction', 'address', 'upstreamConnection', 'credit', 'unsettled', 'delivered', 'accepted', 'rejected', 'released', 'modified'];
const ROUTE_FIELDS = ['name', 'pattern', 'direction', 'connection', 'status'];
const MAX_ROWS = 500;

export function checkGatewayStats(views: GatewayViews): GatewayStats {
  const g = views.general;
  if (!g || typeof g !== 'object' || Array.isArray(g)) throw new Error('/stat/general is not a JSON object');
  const general = g as Record<string, unknown>;
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(general)) {
    if (k === 'uptimeSeconds') continue;
    if (typeof v === 'number' && Number.isFinite(v)) counters[k] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number' && Number.isFinite(v2)) counters[`${k}.${k2}`] = v2;
    }
  }
  return {
    router: {
      id: typeof general.routerId === 'string' ? general.routerId : '(unnamed)',
      ...(typeof general.version === 'string' ? { version: general.version } : {}),
      ...(typeof general.uptimeSeconds === 'number' ? { uptimeSeconds: general.uptimeSeconds } : {}),
    },
    connections: rows(views.connections, CONNECTION_FIELDS),
    links: rows(views.links, LINK_FIELDS),
    linkRoutes: rows(views.linkroutes, ROUTE_FIELDS),
    counters,
  };
}

function rows(list: unknown, fields: readonly string[]): Row[] {
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_ROWS).filter((r) => r && typeof r === 'object').map((r: Record<string, unknown>) => {
    const out: Row = {};
    for (const f of fields) {
      const v = r[f];
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[f] = v;
      else if (Array.isArray(v)) out[f] = v.filter((x): x is string => typeof x === 'string');
    }
    return out;
  });
}

/** The management base URL: a URL naming one view (`…/stat/general`, `…/metrics`) is cut back to it. */
export function managementBase(url: string): URL {
  const u = new URL(url);
  u.pathname = u.pathname.replace(/\/(stat\/[a-z]+|metrics)\/?$/, '/').replace(/\/?$/, '/');
  u.search = '';
  return u;
}

/** Fetches the four views and checks them; never throws (a failure is a panel that says what went wrong). */
export async function fetchGatewayPanel(url: string | undefined, now: () => number, timeoutMs = 2000): Promise<GatewayPanel> {
  if (url === undefined) return { configured: false };
  const base = managementBase(url);
  const views = {} as GatewayViews;
  for (const view of GATEWAY_VIEWS) {
    const at = new URL(`stat/${view}`, base).href;
    try {
      const res = await fetch(at, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      if (!res.ok) {
        await res.arrayBuffer();
        return { configured: true, url, ok: false, error: `${at}: HTTP ${res.status} ${res.statusText}` };
      }
      views[view] = await res.json();
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
      return { configured: true, url, ok: false, error: `cannot read ${at}: ${reason}` };
    }
  }
  try {
    return { configured: true, url, ok: true, fetchedAt: now(), stats: checkGatewayStats(views) };
  } catch (error) {
    return { configured: true, url, ok: false, error: `${url}: ${(error as Error).message}` };
  }
}
