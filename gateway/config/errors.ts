// One class per way a configuration can be wrong (STYLE.md: nats.js). Every message starts with
// `<file>:<line>:` when the place is known and says what to change. qdrouterd refuses to start on
// any of these (reference/qdrouterd.md §1.1 "Validation is strict"); so do we.

export interface ConfigPlace {
  file: string;
  /** 1-based line in the file; 0 when the problem is the file as a whole. */
  line: number;
}

export abstract class ConfigError extends Error {
  abstract readonly code: string;
  readonly file: string;
  readonly line: number;

  constructor(place: ConfigPlace, message: string, options?: { cause?: unknown }) {
    super(place.line > 0 ? `${place.file}:${place.line}: ${message}` : `${place.file}: ${message}`, options);
    this.name = new.target.name;
    this.file = place.file;
    this.line = place.line;
  }
}

/** The text is not `section {` / `name: value` / `}` (§1.1), or the JSON form is not an array of pairs. */
export class ConfigSyntaxError extends ConfigError {
  readonly code = 'config-syntax';
}

/** A section name that is neither a qdrouterd entity we read nor one of our additions. */
export class UnknownSectionError extends ConfigError {
  readonly code = 'unknown-section';
}

/** An attribute the entity does not have. */
export class UnknownAttributeError extends ConfigError {
  readonly code = 'unknown-attribute';
}

/** A value of the wrong type (integer, boolean, enum, port, …) or out of range. */
export class InvalidValueError extends ConfigError {
  readonly code = 'invalid-value';
}

/** A required attribute is absent (linkRoute.direction, sslProfile.name, …). */
export class MissingAttributeError extends ConfigError {
  readonly code = 'missing-attribute';
}

/** Two attributes that exclude each other: an old name with its new name, prefix with pattern, … */
export class ConflictingAttributesError extends ConfigError {
  readonly code = 'conflicting-attributes';
}

/** Two entities share a name, a singleton appears twice, or two linkRoutes claim the same pattern. */
export class DuplicateEntityError extends ConfigError {
  readonly code = 'duplicate-entity';
}

/** A reference to an entity that is not in the file (listener.sslProfile, linkRoute.connection). */
export class DanglingReferenceError extends ConfigError {
  readonly code = 'dangling-reference';
}

/** A valid qdrouterd setting that this gateway cannot honour (mode interior, an inter-router listener). */
export class UnsupportedSettingError extends ConfigError {
  readonly code = 'unsupported-setting';
}

/** The file itself, or a file or secret it names, cannot be read (raised by gateway/cli.ts). */
export class ConfigFileError extends ConfigError {
  readonly code = 'config-file';
}

/** Something the reader accepted but the user should know about (0.6 spellings, ignored attributes). */
export interface ConfigWarning {
  file: string;
  line: number;
  message: string;
}

export function formatWarning(w: ConfigWarning): string {
  return w.line > 0 ? `${w.file}: line ${w.line}: ${w.message}` : `${w.file}: ${w.message}`;
}
