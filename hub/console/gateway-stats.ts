// The gateway panel's data: the console server fetches the gateway's stats URL (the browser never
// talks to the gateway's management port) and passes on a checked subset, so a gateway that sends
// more, less or odd fields cannot break the page. The JSON shape expected (qdstat's -g, -c, -l
// views; hub/console/README.md):
//   { "router": { "id", "version"?, "uptimeSeconds"? },
//     "connections": [ { "id", "dir": "in"|"out", "role"?, "host", "container"?, "tls"?, "devices"?: [ids], "links"? } ],
//     "links": [ { "connection", "dir": "in"|"out", "address", "peer"?, "credit"?, "unsettled"?,
//                  "delivered"?, "accepted"?, "rejected"?, "released"?, "modified"? } ],
//     "counters"?: { "<name>": <number> } }

export type GatewayPanel =
  | { configured: false }
  | { configured: true; url: string; ok: false; error: string }
  | { configured: true; url: string; ok: true; fetchedAt: number; stats: GatewayStats };

export interface GatewayStats {
  router: { id: string; version?: string; uptimeSeconds?: number };
  connections: Record<string, string | number | boolean | string[]>[];
  links: Record<string, string | number>[];
  counters: Record<string, number>;
}

const CONNECTION_FIELDS = ['id', 'dir', 'role', 'host', 'container', 'tls', 'devices', 'links'] as const;
const LINK_FIELDS = ['connection', 'dir', 'address', 'peer', 'credit', 'unsettled', 'delivered', 'accepted', 'rejected', 'released', 'modified'] as const;
const MAX_ROWS = 500;

export function checkGatewayStats(json: unknown): GatewayStats {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
  const j = json as Record<string, unknown>;
  const router = (j.router ?? {}) as Record<string, unknown>;
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries((j.counters ?? {}) as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) counters[k] = v;
  return {
    router: {
      id: typeof router.id === 'string' ? router.id : '(unnamed)',
      ...(typeof router.version === 'string' ? { version: router.version } : {}),
      ...(typeof router.uptimeSeconds === 'number' ? { uptimeSeconds: router.uptimeSeconds } : {}),
    },
    connections: rows(j.connections, CONNECTION_FIELDS) as GatewayStats['connections'],
    links: rows(j.links, LINK_FIELDS) as GatewayStats['links'],
    counters,
  };
}

function rows(list: unknown, fields: readonly string[]): Record<string, unknown>[] {
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_ROWS).filter((r) => r && typeof r === 'object').map((r: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = r[f];
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[f] = v;
      else if (Array.isArray(v)) out[f] = v.filter((x) => typeof x === 'string');
    }
    return out;
  });
}

/** Fetches and checks; never throws (a failure is a panel that says what went wrong). */
export async function fetchGatewayPanel(url: string | undefined, now: () => number, timeoutMs = 2000): Promise<GatewayPanel> {
  if (url === undefined) return { configured: false };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) return { configured: true, url, ok: false, error: `HTTP ${res.status} ${res.statusText}` };
    return { configured: true, url, ok: true, fetchedAt: now(), stats: checkGatewayStats(await res.json()) };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
    return { configured: true, url, ok: false, error: `cannot read ${url}: ${reason}` };
  }
}
