// The ONE place rhea 3.0.5 internals (untyped fields) are touched: the files of ./rhea/, re-exported
// here so that the rest of the router talks to rhea only through these typed functions. Every trick
// is described in reference/node-stack-notes.md ("Link routing with rhea") and
// gateway/decisions/0001 (raw capture, deferred attach). A rhea upgrade adapts these files only.
export * from './rhea/attach.js';
export * from './rhea/transfer.js';
export * from './rhea/connection.js';
export type { Wire, TerminusLike } from './rhea/internals.js';
export type { LeanOutcome } from './rhea/lean.js';
