// The serial link's public surface: import from here (README "Reliable serial link").
export { SerialLink, type LinkState, type SerialLinkEvents } from './link.js';
export { SerialLinkError, SERIAL_LINK_ERRORS, type SerialLinkErrorCode } from './errors.js';
export { retransmissionTimeoutMs, type LinkRole, type LinkTimers, type SerialLinkOptions } from './options.js';
export type { SerialLinkStats } from './stats.js';
