// The decisions of the open handshake (docs/serial-link.md §7.3) as pure functions: what the
// responder does with an open, and whether the initiator accepts an open-ack. link.ts acts on them.
import { negotiateLinkParams, SERIAL_LINK, type LinkParams } from '../../protocol/serial-link-params.js';

export type OpenDecision =
  | { action: 'refuse-version' } // answering 1: close(unsupported-version), stay as we are
  | { action: 'repeat-open-ack'; params: LinkParams } // answering 2: the open-ack was lost
  | { action: 'ignore' } // answering 4: an open for the link being closed
  | { action: 'answer'; params: LinkParams }; // answering 3: a new link (ends any current one)

export interface ResponderView {
  state: 'closed' | 'opening' | 'open' | 'closing';
  /** The parameters of the current (open or closing) link, if any. */
  current: LinkParams | undefined;
  window: number;
  maxPayload: number;
}

export function decideOpen(offered: LinkParams, view: ResponderView): OpenDecision {
  let agreed: LinkParams;
  try {
    agreed = negotiateLinkParams(offered, { version: SERIAL_LINK.version, window: view.window, maxPayload: view.maxPayload, session: offered.session });
  } catch {
    return { action: 'refuse-version' };
  }
  const sameSession = view.current?.session === offered.session;
  if (view.state === 'open' && sameSession) return { action: 'repeat-open-ack', params: view.current! };
  if (view.state === 'closing' && sameSession) return { action: 'ignore' };
  return { action: 'answer', params: agreed };
}

export type OpenAckDecision = 'stale' | 'violation' | 'accept';

/** Opening 3: an open-ack for another session is stale; one granting more than offered is a violation. */
export function checkOpenAck(offered: LinkParams, answered: LinkParams): OpenAckDecision {
  if (answered.session !== offered.session) return 'stale';
  if (answered.version !== offered.version || answered.window > offered.window || answered.maxPayload > offered.maxPayload) return 'violation';
  return 'accept';
}
