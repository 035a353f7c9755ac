// Why a serial-link stream ended other than by a normal close. The stream is destroyed with one
// of these; `code` is stable, the message says what happened.
export const SERIAL_LINK_ERRORS = {
  'unsupported-version': 'the gateway does not speak this link version (close unsupported-version)',
  'protocol-violation': 'the peer broke the protocol, or told us we did (close protocol-violation)',
  'peer-unresponsive': 'retries ran out or nothing was received for the dead interval',
  'peer-restarted': 'the initiator opened a new session, ending this one',
  'line-closed': 'the byte transport under the link closed or failed',
  'link-closed': 'the link was closed before the stream could be opened or written',
} as const;

export type SerialLinkErrorCode = keyof typeof SERIAL_LINK_ERRORS;

export class SerialLinkError extends Error {
  constructor(
    readonly code: SerialLinkErrorCode,
    message: string = SERIAL_LINK_ERRORS[code],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SerialLinkError';
  }
}
