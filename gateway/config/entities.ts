// One entity after name folding, alias renaming and value conversion: what `normalise` produces
// and `build` turns into the typed effective config.
import type { Value } from './values.js';

export interface Entity {
  /** A key of SCHEMA. */
  type: string;
  line: number;
  values: Map<string, { value: Value; line: number; writtenAs: string }>;
}

export function getString(e: Entity, name: string): string | undefined {
  const v = e.values.get(name)?.value;
  return typeof v === 'string' ? v : undefined;
}

export function getNumber(e: Entity, name: string): number | undefined {
  const v = e.values.get(name)?.value;
  return typeof v === 'number' ? v : undefined;
}

export function getBoolean(e: Entity, name: string): boolean | undefined {
  const v = e.values.get(name)?.value;
  return typeof v === 'boolean' ? v : undefined;
}

export function getList(e: Entity, name: string): readonly string[] | undefined {
  const v = e.values.get(name)?.value;
  return Array.isArray(v) ? (v as readonly string[]) : undefined;
}

/** The line of an attribute, or of the entity when the attribute is absent. */
export function lineOf(e: Entity, name: string): number {
  return e.values.get(name)?.line ?? e.line;
}
