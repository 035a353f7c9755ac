// rhea 3.0.5 internals shared by the files of this folder: the untyped fields we read and write,
// typed once here. Nothing outside gateway/router/rhea/ may use them (see ../rhea-internals.ts).
import type { link as Link } from 'rhea';

/** A terminus, properties map, capability list or outcome as rhea decoded it (opaque; copied as-is). */
export type Wire = unknown;

export interface Described { described(): Wire }
export interface TerminusLike { address?: string; described?: () => Wire; value?: unknown[] }
export interface LinkInternals {
  state: { local_open: boolean; open_requests: number };
  local: { attach: Record<string, unknown>; handle: number };
  remote: { attach?: Record<string, unknown>; detach?: { closed?: boolean; error?: { condition: string; description?: string } } };
  credit: number;
  delivery_count: number;
  _incomplete?: unknown;
  _draining?: boolean;
  drain?: boolean;
  issue_flow?: boolean;
}
export const inner = (l: Link): LinkInternals => l as unknown as LinkInternals;

/** A decoded terminus is present when it is a described composite (a typed null is not). */
export function terminus(value: unknown): TerminusLike | undefined {
  if (value && typeof value === 'object' && typeof (value as TerminusLike).described === 'function') return value as TerminusLike;
  return undefined;
}
export function rewrap(value: unknown): Wire {
  const t = terminus(value);
  return t ? (t as Described).described() : undefined;
}
