// `fogbridge stat`: qdstat for the gateway (qdrouterd.md §2.8). Reads the gateway's HTTP
// management endpoint (gateway/management/http.ts; the config's `management` section) and prints
// the views as tables, or as the JSON the endpoint serves. Reads argv and the network only.
import { connectionsTable, generalTable, linkRoutesTable, linksTable } from './management/table.js';
import type { ConnectionStat, GeneralStat, LinkRouteStat, LinkStat } from './management/snapshot.js';

/** The schema default of `management.port` (gateway/config/schema.ts). */
export const DEFAULT_MANAGEMENT_URL = 'http://127.0.0.1:8672';

const USAGE = `usage: fogbridge stat [-g] [-c] [-l] [--linkroutes] [--url <url>] [--json]

Shows a running gateway's state, like qdstat: read from its HTTP management endpoint, which
the gateway starts when its config has a \`management\` section (loopback port 8672 by default).

  -g, --general     router id, version, uptime, connection, link and delivery counts (default)
  -c, --connections device and upstream connections: host or serial port, container, TLS, device ids
  -l, --links       routed links: device link <-> upstream link, address, credit, unsettled, outcomes
  --linkroutes      link routes and their status (active while their connector is up)
  --url <url>       the management endpoint (default ${DEFAULT_MANAGEMENT_URL})
  --json            print the endpoint's JSON instead of tables
  --help            this text`;

const VIEWS = {
  general: (v: unknown) => generalTable(v as GeneralStat),
  connections: (v: unknown) => connectionsTable(v as ConnectionStat[]),
  links: (v: unknown) => linksTable(v as LinkStat[]),
  linkroutes: (v: unknown) => linkRoutesTable(v as LinkRouteStat[]),
};
type View = keyof typeof VIEWS;
const FLAGS: Record<string, View> = { '-g': 'general', '--general': 'general', '-c': 'connections', '--connections': 'connections', '-l': 'links', '--links': 'links', '--linkroutes': 'linkroutes' };

interface Args { views: View[]; url: string; json: boolean; help: boolean }

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { views: [], url: DEFAULT_MANAGEMENT_URL, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--json') args.json = true;
    else if (FLAGS[a]) args.views.push(FLAGS[a]);
    else if (a === '--url' || a === '-b') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a URL`;
      args.url = v;
    } else if (a.startsWith('--url=')) args.url = a.slice(6);
    else return `unknown option '${a}'`;
  }
  if (!/^https?:\/\//.test(args.url)) args.url = `http://${args.url}`;
  if (args.views.length === 0) args.views.push('general');
  return args;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`fogbridge stat: ${args}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const out: string[] = [];
  const json: Record<string, unknown> = {};
  for (const view of args.views) {
    const at = new URL(`stat/${view}`, args.url.replace(/\/?$/, '/')).href;
    let value: unknown;
    try {
      const res = await fetch(at, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) {
        console.error(`fogbridge stat: ${at}: HTTP ${res.status} (is this a fogbridge gateway's management endpoint?)`);
        return 1;
      }
      value = await res.json();
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? 'no answer within 5 s' : (e.cause?.code ?? e.message);
      console.error(`fogbridge stat: cannot reach the gateway at ${args.url} (${why}). Is it running, with a \`management\` section in its config? (--url to point elsewhere)`);
      return 1;
    }
    json[view] = value;
    out.push(VIEWS[view](value));
  }
  console.log(args.json ? JSON.stringify(args.views.length === 1 ? json[args.views[0]!] : json, null, 2) : out.join('\n\n'));
  return 0;
}
