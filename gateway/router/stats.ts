// Gateway-wide counters for management (qdrouterd.md §2.8 qdstat -g, /metrics): connection ids
// (qdrouterd's `C<n>`), connections and links opened, refused and closed, and the deliveries and
// outcomes summed over every routed link, including links that have ended. Live values (credit,
// unsettled) are read from the links themselves when a snapshot is taken (gateway/management/).

export interface DeliveryCounts {
  delivered: number;
  accepted: number;
  rejected: number;
  released: number;
  modified: number;
  aborted: number;
}

export const emptyDeliveryCounts = (): DeliveryCounts => ({ delivered: 0, accepted: 0, rejected: 0, released: 0, modified: 0, aborted: 0 });

export class GatewayStats {
  private lastId = 0;
  readonly deliveries = emptyDeliveryCounts();
  connectionsOpened = 0;
  connectionsClosed = 0;
  connectionsRefused = 0;
  linksAttached = 0;
  linksDetached = 0;
  /** Refused attaches by AMQP condition (qd:no-route-to-dest, amqp:unauthorized-access, ...). */
  readonly linksRefused = new Map<string, number>();
  upstreamConnects = 0;
  upstreamLosses = 0;
  /** Put-tokens relayed to the hub, by the status it answered. */
  readonly putTokens = new Map<number, number>();

  constructor(readonly startedAt: number) {}

  /** The next connection id, shared by device and upstream connections (`C1`, `C2`, ...). */
  nextConnectionId(): number {
    return ++this.lastId;
  }

  refused(condition: string): void {
    this.linksRefused.set(condition, (this.linksRefused.get(condition) ?? 0) + 1);
  }

  putToken(status: number): void {
    this.putTokens.set(status, (this.putTokens.get(status) ?? 0) + 1);
  }
}

/** TLS protocol and cipher of a stream (`TLSv1.3 TLS_AES_256_GCM_SHA384`), undefined when it is not TLS (qdstat -c security). */
export function tlsOf(stream: unknown): string | undefined {
  const t = stream as { encrypted?: boolean; getProtocol?(): string | null; getCipher?(): { name: string } } | undefined;
  return t?.encrypted ? `${t.getProtocol?.() ?? 'TLS'} ${t.getCipher?.()?.name ?? ''}`.trim() : undefined;
}
