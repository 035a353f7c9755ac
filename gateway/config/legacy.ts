// The two 0.6 sections that qdrouterd 1.x refuses outright (reference/qdrouterd.md §1.4) and we
// read anyway, each with a warning: `container` (its containerName became router `id`) and
// `linkRoutePattern` (became one `linkRoute` per direction).
import type { Entity } from './entities.js';
import { getString } from './entities.js';

type Warn = (line: number, message: string) => void;

/** Folds a 0.6 `container` section and a `router` section into one router; the first id wins. */
export function mergeSingleton(target: Entity, incoming: Entity, warn: Warn): void {
  for (const [name, value] of incoming.values) {
    const kept = target.values.get(name);
    if (!kept) target.values.set(name, value);
    else {
      warn(value.line, `'${value.writtenAs}: ${String(value.value)}' is ignored: '${kept.writtenAs}: ${String(kept.value)}' (line ${kept.line}) already sets router '${name}'`);
    }
  }
}

/** `linkRoutePattern { prefix, dir: in|out|both, connector }` → linkRoute entities. */
export function expandLinkRoutePattern(pattern: Entity, warn: Warn): Entity[] {
  const prefix = getString(pattern, 'prefix')!;
  const dir = getString(pattern, 'dir') ?? 'both';
  const connector = getString(pattern, 'connector')!;
  const directions = dir === 'both' ? ['in', 'out'] : [dir];
  warn(
    pattern.line,
    `section 'linkRoutePattern' is the 0.6 form (qdrouterd 1.x refuses it): read as ${directions.length} linkRoute` +
      `${directions.length > 1 ? 's' : ''} with prefix '${prefix}', direction ${directions.join(' and ')}, connection '${connector}'`,
  );
  const at = (name: string) => pattern.values.get(name)?.line ?? pattern.line;
  return directions.map((direction) => ({
    type: 'linkRoute',
    line: pattern.line,
    values: new Map([
      ['prefix', { value: prefix, line: at('prefix'), writtenAs: 'prefix' }],
      ['direction', { value: direction, line: at('dir'), writtenAs: 'dir' }],
      ['connection', { value: connector, line: at('connector'), writtenAs: 'connector' }],
    ]),
  }));
}
