// The few rhea link internals the hub relies on, typed in one place (reference/node-stack-notes.md
// "Link routing with rhea"). rhea answers a remote attach by itself on the next tick with the
// local termini as they stand when the event handler returns:
// - accept: set the local termini (acceptLink echoes the peer's addresses) and return;
// - refuse: `link.close(error)` inside the handler sends attach (null terminus) + detach(error);
// - defer: deferAttach() in the handler, later completeAttach() or refuseLink().
import type { AmqpError, Receiver, Sender } from 'rhea';

export type Link = Sender | Receiver;

interface LinkInternals {
  state: { local_open: boolean; open_requests: number; need_open?: () => boolean };
  local: { attach: { source?: unknown; target?: unknown } };
  remote: { attach?: { source?: { address?: unknown }; target?: { address?: unknown } } };
}

const internals = (link: Link): LinkInternals => link as unknown as LinkInternals;

/** The address the peer attached to: the source of a link the hub sends on, else the target. */
export function remoteAddress(link: Link): string | undefined {
  const attach = internals(link).remote.attach;
  const terminus = link.is_sender() ? attach?.source : attach?.target;
  const address = terminus?.address;
  return typeof address === 'string' ? address : undefined;
}

/** Answers the attach with the peer's addresses echoed (source and target), unless already set. */
export function acceptLink(link: Link): void {
  const local = internals(link).local.attach;
  const remote = internals(link).remote.attach;
  const source = remote?.source?.address;
  const target = remote?.target?.address;
  if (local.source === undefined || local.source === null) link.set_source({ address: typeof source === 'string' ? source : undefined } as never);
  if (local.target === undefined || local.target === null) link.set_target({ address: typeof target === 'string' ? target : undefined } as never);
}

/** False once the hub closed the link or deferred its answer. */
export function isLocallyOpen(link: Link): boolean {
  return internals(link).state.local_open;
}

/**
 * True once the hub's attach answer has been written (rhea writes it on the next tick). A peer may
 * grant credit in the same burst as its attach, and rhea then reports the link sendable at once:
 * a transfer must still wait for the attach (AMQP 1.0 §2.6.3, §2.7.5).
 */
export function isAttachSent(link: Link): boolean {
  const state = internals(link).state;
  return state.local_open && state.open_requests === 0;
}

/** Holds the attach answer back until completeAttach() or refuseLink(). Call inside the handler. */
export function deferAttach(link: Link): void {
  const state = internals(link).state;
  state.local_open = false;
  state.open_requests = 0;
}

export function completeAttach(link: Link): void {
  acceptLink(link);
  link.open();
}

/** Refuses (inside the handler or after deferAttach) or detaches an open link with `error`. */
export function refuseLink(link: Link, error: AmqpError): void {
  if (!internals(link).state.local_open) link.open();
  link.close(error);
}

/** Whether the receiving peer asked this sender to drain (its last flow had drain = true). */
export function isDraining(link: Sender): boolean {
  return Boolean((link as unknown as { _draining?: boolean })._draining);
}

/**
 * Nothing more to send for the peer's drain (AMQP 1.0 §2.6.7): rhea advances delivery-count until
 * the credit is used up and sends the flow, but its set_drained() does not schedule that flow.
 */
export function reportDrained(link: Sender): void {
  link.set_drained(true);
  (link.connection as unknown as { _register(): void })._register();
}
