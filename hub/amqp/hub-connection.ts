// Per-connection state shared by the link handlers: the tokens it holds (auth/auth-context.ts),
// its `$cbs` reply links, and cleanups that must run when a link or the connection goes.
//
// Contract: `track(link, cleanup)` runs `cleanup` exactly once, when the peer detaches the link,
// the hub closes it, or the connection ends (rhea sends no link event when a socket drops).
// Limits (rhea has none): `admitSession` / `admitLink` count what is open and say no beyond
// `ConnectionLimits`; the token limit is the AuthContext's.
import type { Connection, Sender, Session } from 'rhea';
import { AuthContext } from '../auth/auth-context.js';
import type { Link } from './rhea-links.js';

let counter = 0;

export interface ConnectionLimits {
  maxSessions: number;
  maxLinks: number;
  maxTokens: number;
}

export class HubConnection {
  readonly id: string;
  readonly auth: AuthContext;
  private readonly cbsReplyLinks = new Set<Sender>();
  private readonly cleanups = new Set<() => void>();
  private ended = false;
  private sessions = 0;
  private links = 0;

  constructor(readonly amqp: Connection, now: () => number, private readonly limits: ConnectionLimits) {
    this.id = `${amqp.container_id ?? 'peer'}#${++counter}`;
    this.auth = new AuthContext(now, limits.maxTokens);
  }

  /** Counts a session the peer began until it ends; false when the connection holds the most it may. */
  admitSession(session: Session): boolean {
    if (this.sessions >= this.limits.maxSessions) return false;
    this.sessions++;
    session.once('session_close', () => this.sessions--);
    return true;
  }

  /** Counts a link the peer attached until it goes; false when the connection holds the most it may. */
  admitLink(link: Link): boolean {
    if (this.links >= this.limits.maxLinks) return false;
    this.links++;
    this.track(link, () => this.links--);
    return true;
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** A `$cbs` link the peer receives on; replies go to the one in the request's session. */
  addCbsReplyLink(link: Sender): void {
    this.cbsReplyLinks.add(link);
    this.track(link, () => this.cbsReplyLinks.delete(link));
  }

  /** reference/iot-hub-amqp.md §2.3: same session first, else any `$cbs` link on the connection. */
  cbsReplyLink(session: Session): Sender | undefined {
    let any: Sender | undefined;
    for (const link of this.cbsReplyLinks) {
      if (!link.is_open()) continue;
      if (link.session === session) return link;
      any ??= link;
    }
    return any;
  }

  track(link: Link, cleanup: () => void): void {
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      this.cleanups.delete(once);
      cleanup();
    };
    this.cleanups.add(once);
    const prefix = link.is_sender() ? 'sender' : 'receiver';
    link.once(`${prefix}_close`, once);
    // A detach with an error is reported as `<prefix>_error` first; handling it keeps rhea from
    // raising it on the container.
    link.on(`${prefix}_error`, () => undefined);
    const close = link.close.bind(link);
    link.close = (error) => {
      close(error);
      once();
    };
  }

  /** Called once by the server when the socket closes. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of [...this.cleanups]) cleanup();
  }
}
