// Attribute values: text (always strings) and JSON (strings, numbers, booleans) are checked and
// converted the same way (reference/qdrouterd.md §1.1, §1.2 types).
import { InvalidValueError, type ConfigPlace } from './errors.js';
import { didYouMean } from './names.js';
import type { AttributeType } from './schema.js';

/** A password as written: resolved (environment, file) only by gateway/cli.ts. */
export type SecretRef = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'literal'; value: string };

export type Value = string | number | boolean | readonly string[] | SecretRef;

const TRUE = new Set(['yes', 'true', '1', 'on']);
const FALSE = new Set(['no', 'false', '0', 'off']);
/** §1.2 listener/connector `port`: a number or a service name. */
const SERVICES: Record<string, number> = { amqp: 5672, amqps: 5671 };

function text(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return undefined;
}

/** §1.2 sslProfile.password: `env:VAR`, `file:/path`, `pass:text` or `literal:text`, else the text itself. */
export function parseSecret(value: string): SecretRef {
  const m = /^(env|file|pass|literal):(.*)$/s.exec(value);
  if (!m) return { kind: 'literal', value };
  if (m[1] === 'env') return { kind: 'env', name: m[2]! };
  if (m[1] === 'file') return { kind: 'file', path: m[2]! };
  return { kind: 'literal', value: m[2]! };
}

export function convertValue(raw: unknown, type: AttributeType, attribute: string, place: ConfigPlace): Value {
  const bad = (expected: string): never => {
    const shown = typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw) ?? String(raw);
    throw new InvalidValueError(place, `'${attribute}' must be ${expected}, not ${shown}`);
  };
  if (type.kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    const t = text(raw)?.toLowerCase();
    if (t !== undefined && TRUE.has(t)) return true;
    if (t !== undefined && FALSE.has(t)) return false;
    return bad('yes, no, true or false');
  }
  const t = text(raw);
  if (t === undefined || t === '') return bad(type.kind === 'integer' ? 'an integer' : 'a non-empty value');
  switch (type.kind) {
    case 'string':
      return t;
    case 'integer': {
      if (!/^-?\d+$/.test(t)) return bad('an integer');
      const n = Number(t);
      if (n < type.min || n > type.max) return bad(`between ${type.min} and ${type.max}`);
      return n;
    }
    case 'port': {
      if (Object.hasOwn(SERVICES, t)) return SERVICES[t]!;
      if (!/^\d+$/.test(t) || Number(t) > 65535) return bad('a port number 0-65535, amqp or amqps');
      return Number(t);
    }
    case 'enum': {
      const value = type.valueAliases && Object.hasOwn(type.valueAliases, t) ? type.valueAliases[t]! : t;
      if (type.values.includes(value)) return value;
      return bad(`one of ${type.values.join(', ')} (${didYouMean(t, type.values)}values are case-sensitive)`);
    }
    case 'list':
      return t.split(/[\s,]+/).filter((s) => s !== '');
    case 'secret':
      return parseSecret(t);
  }
}
