// Raw sections → entities: camelCase folding, deprecated and 0.6 aliases renamed with a warning,
// unknown names refused with the accepted ones (reference/qdrouterd.md §1.1, §1.4).
import { ConflictingAttributesError, DuplicateEntityError, MissingAttributeError, UnknownAttributeError, UnknownSectionError, type ConfigWarning } from './errors.js';
import type { Entity } from './entities.js';
import { expandLinkRoutePattern, mergeSingleton } from './legacy.js';
import { camelCase, didYouMean } from './names.js';
import type { RawAttribute, RawSection } from './raw.js';
import { IGNORED_SECTIONS, SCHEMA, SECTION_NAMES, type EntitySpec } from './schema.js';
import { convertValue } from './values.js';

export interface Normalised {
  entities: Entity[];
  warnings: ConfigWarning[];
}

export function normalise(sections: readonly RawSection[], file: string): Normalised {
  const warnings: ConfigWarning[] = [];
  const warn = (line: number, message: string) => warnings.push({ file, line, message });
  const entities: Entity[] = [];
  const singletons = new Map<string, Entity>();
  const containerLines = new Set<number>();

  for (const section of sections) {
    const folded = camelCase(section.name);
    if (folded !== section.name) warn(section.line, `section '${section.name}' is read as '${folded}' (names fold to camelCase)`);
    if (IGNORED_SECTIONS.includes(folded)) {
      warn(section.line, `section '${folded}' is qdrouterd message routing or networking, which fogbridge does not do: ignored`);
      continue;
    }
    if (folded === 'linkRoutePattern') {
      const pattern = toEntity(section, 'linkRoutePattern', LINK_ROUTE_PATTERN, file, warn);
      checkRequired(pattern, LINK_ROUTE_PATTERN, file);
      entities.push(...expandLinkRoutePattern(pattern, warn));
      continue;
    }
    const type = folded === 'container' ? 'router' : folded;
    const spec = Object.hasOwn(SCHEMA, type) ? SCHEMA[type] : undefined;
    if (!spec) {
      throw new UnknownSectionError(
        { file, line: section.line },
        `unknown section '${section.name}': ${didYouMean(folded, SECTION_NAMES)}sections are ${SECTION_NAMES.join(', ')}`,
      );
    }
    if (folded === 'container') {
      warn(section.line, `section 'container' is the 0.6 form (qdrouterd 1.x refuses it): its containerName is read as router 'id'`);
    }
    const entity = toEntity(section, type, spec, file, warn);
    const first = singletons.get(type);
    if (!spec.singleton) entities.push(entity);
    else if (!first) singletons.set(type, entity);
    else if (type === 'router' && (folded === 'container') !== containerLines.has(first.line)) mergeSingleton(first, entity, warn);
    else throw new DuplicateEntityError({ file, line: section.line }, `a second '${folded}' section (the first is on line ${first.line}): merge them into one`);
    if (folded === 'container') containerLines.add(section.line);
  }
  for (const entity of [...entities, ...singletons.values()]) checkRequired(entity, SCHEMA[entity.type]!, file);
  return { entities: [...singletons.values(), ...entities], warnings };
}

/** §1.4: the 0.6 `linkRoutePattern { prefix, dir: in|out|both, connector }`. */
const LINK_ROUTE_PATTERN: EntitySpec = {
  singleton: false,
  attributes: {
    prefix: { type: { kind: 'string' }, required: true, doc: '' },
    dir: { type: { kind: 'enum', values: ['in', 'out', 'both'] }, default: 'both', doc: '' },
    connector: { type: { kind: 'string' }, required: true, doc: '' },
  },
  aliases: {},
  ignored: [],
};

function toEntity(section: RawSection, type: string, spec: EntitySpec, file: string, warn: (line: number, m: string) => void): Entity {
  const entity: Entity = { type, line: section.line, values: new Map() };
  const accepted = [...Object.keys(spec.attributes), ...spec.ignored];
  for (const attribute of section.attributes) {
    const place = { file, line: attribute.line };
    const folded = camelCase(attribute.name);
    const alias = Object.hasOwn(spec.aliases, folded) ? spec.aliases[folded] : undefined;
    let name = alias?.to ?? folded;
    let value: unknown = attribute.value;
    if (type === 'sslProfile' && folded === 'passwordFile') {
      // §1.2: deprecated; the same as `password: file:<path>`.
      [name, value] = ['password', `file:${String(attribute.value).trim()}`];
      warn(attribute.line, `'${attribute.name}' is deprecated: read as 'password: file:${String(attribute.value).trim()}'`);
    } else if (spec.ignored.includes(folded)) {
      warn(attribute.line, `'${attribute.name}' is a qdrouterd ${type} attribute fogbridge has no use for: ignored`);
      continue;
    } else if (!Object.hasOwn(spec.attributes, name)) {
      throw new UnknownAttributeError(
        place,
        `unknown attribute '${attribute.name}' in section '${section.name}': ${didYouMean(folded, accepted)}'${type}' takes ${Object.keys(spec.attributes).join(', ')}`,
      );
    } else if (alias) {
      const era = alias.era === '0.6' ? `the 0.6 name of '${name}' (qdrouterd 1.x refuses it)` : `the old name of '${name}' (deprecated in qdrouterd 1.x)`;
      warn(attribute.line, `'${attribute.name}' is ${era}: read as '${name}'`);
    } else if (attribute.name !== name) {
      warn(attribute.line, `'${attribute.name}' is read as '${name}' (names fold to camelCase)`);
    }
    const previous = entity.values.get(name);
    if (previous) {
      throw new ConflictingAttributesError(
        place,
        previous.writtenAs === attribute.name
          ? `'${attribute.name}' is given twice in this section (also on line ${previous.line}): keep one`
          : `both '${previous.writtenAs}' (line ${previous.line}) and '${attribute.name}' set '${name}': keep only '${name}'`,
      );
    }
    entity.values.set(name, { value: convert(value, spec, name, attribute, file, warn), line: attribute.line, writtenAs: attribute.name });
  }
  return entity;
}

function convert(value: unknown, spec: EntitySpec, name: string, attribute: RawAttribute, file: string, warn: (line: number, m: string) => void) {
  const type = spec.attributes[name]!.type;
  const written = typeof value === 'string' ? value.trim() : undefined;
  if (type.kind === 'enum' && written !== undefined && type.valueAliases && Object.hasOwn(type.valueAliases, written)) {
    const today = type.valueAliases[written]!;
    warn(attribute.line, `${name} '${written}' is the 0.6 name of '${today}' (qdrouterd 1.x refuses it): read as '${today}'`);
  }
  return convertValue(value, type, attribute.name, { file, line: attribute.line });
}

function checkRequired(entity: Entity, spec: EntitySpec, file: string): void {
  for (const [name, attribute] of Object.entries(spec.attributes)) {
    if (attribute.required && !entity.values.has(name)) {
      throw new MissingAttributeError({ file, line: entity.line }, `section '${entity.type}' needs '${name}'${attribute.doc ? ` (${attribute.doc})` : ''}`);
    }
  }
}
