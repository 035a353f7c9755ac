// The one place where what rhea reports (AMQP error conditions, socket errors) becomes the
// firmware's protocol-neutral FailureReason (STYLE.md: one conversion per edge and direction).
import type { FailureReason } from '../session.js';

export interface AmqpErrorLike {
  condition?: string;
  description?: string;
  message?: string;
}

/** Where the error was seen: the connection before or after the peer's open, or a link before or after it was attached. */
export type FailureSite = 'connection-opening' | 'connection-open' | 'link-opening' | 'link-open';

export function toFailureReason(error: AmqpErrorLike | undefined, site: FailureSite): FailureReason {
  const condition = error?.condition;
  if (condition === 'qd:routed-link-lost') return 'routed-link-lost';
  if (condition === 'amqp:unauthorized-access') return 'unauthorized';
  // rhea's own idle check closes with this condition and text (connection.js `idle()`), and so does a rhea peer.
  if (condition === 'amqp:resource-limit-exceeded' && /idle/i.test(error?.description ?? '')) return 'idle-timeout';
  switch (site) {
    case 'connection-opening':
      return 'connection-refused';
    case 'connection-open':
      return 'connection-closed';
    case 'link-opening':
      return 'link-refused';
    case 'link-open':
      return 'link-lost';
  }
}

/** A short human line: `amqp:not-found: no such device` or the socket error's message. */
export function describeError(error: AmqpErrorLike | undefined, fallback: string): string {
  if (!error) return fallback;
  if (error.condition) return error.description ? `${error.condition}: ${error.description}` : error.condition;
  return error.message ?? fallback;
}
