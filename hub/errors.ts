// The hub's protocol-neutral errors. Handlers throw or return HubError; each edge converts it
// once: amqp/conditions.ts to an AMQP error condition (link refusal, rejected outcome) and to a
// CBS status code. Nothing else in hub/ writes a condition or status-code literal.
export type HubErrorCode =
  | 'unauthorized' // no valid token / bad signature / expired / disabled device
  | 'not-found' // unknown address, device, policy or audience
  | 'not-allowed' // the address exists but not in this direction or state
  | 'message-too-large'
  | 'bad-request' // a malformed request (CBS, $management)
  | 'undecodable' // a message that is not a storable AMQP message
  | 'resource-limit' // a quota (queue depth, connection tokens)
  | 'link-stolen' // a newer owner took the link (Event Hubs epoch)
  | 'transfer-limit' // the peer sent beyond the credit it was given
  | 'unavailable' // closing, storage failed transiently
  | 'shutting-down' // the hub is closing a whole connection
  | 'internal';

export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HubError';
  }
}

export function asHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  return new HubError('internal', `internal error: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
