// The typed-code base of each protocol/ module's error class: `class SasError extends
// CodedError<SasErrorCode> {}` gives a ProtocolError whose `code` is checked at every `new` and
// narrowed for callers, with no per-module constructor boilerplate.
import { ProtocolError } from './errors.js';

export abstract class CodedError<C extends string> extends ProtocolError {
  declare readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
