// The one base class of every error protocol/ throws. Decoders and parsers throw a subclass of
// ProtocolError (never a bare Error, TypeError or RangeError), so callers can catch exactly what
// bad input produces and tell it from a bug. `code` is stable and machine-readable; `message`
// says what is wrong and, where it can, what to fix.
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
