// The qdrouterd 1.x text form (reference/qdrouterd.md §1.1): `section {`, one `name: value` per
// line, `}` alone on its line, `#` comments. One deliberate leniency: the seed's file
// (seeds/*.txt, the blog's 0.6 config as printed) has no closing braces at all, so a section that
// is still open when the next section starts, or when the file ends, is closed there with a
// warning instead of an error.
import { camelCase } from './names.js';
import { ConfigSyntaxError, type ConfigWarning } from './errors.js';
import type { RawAttribute, RawSection } from './raw.js';

const SECTION = /^([A-Za-z_][\w.-]*)[ \t]*\{$/;
const ATTRIBUTE = /^([A-Za-z_$][\w.$-]*)[ \t]*:[ \t]*(.*)$/;
/** §1.1: for these attributes `#` is a wildcard, not a comment; the value is the first token. */
const HASH_IN_VALUE = new Set(['pattern', 'bindingKey', 'hostname']);

export interface RawText {
  sections: RawSection[];
  warnings: ConfigWarning[];
}

function stripComment(line: string): string {
  const at = line.indexOf('#');
  return (at < 0 ? line : line.slice(0, at)).trim();
}

export function readTextForm(text: string, file: string): RawText {
  const lines = text.split(/\r?\n/);
  const sections: RawSection[] = [];
  const warnings: ConfigWarning[] = [];
  let open: RawSection | undefined;
  const fail = (line: number, message: string): never => {
    throw new ConfigSyntaxError({ file, line }, message);
  };

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const whole = lines[i]!.trim();
    if (whole === '' || whole.startsWith('#')) continue;
    const attribute = ATTRIBUTE.exec(whole);
    if (attribute && HASH_IN_VALUE.has(camelCase(attribute[1]!))) {
      if (!open) fail(n, `'${whole}' is outside any section: put it inside 'linkRoute { … }'`);
      const value = attribute[2]!.split(/[ \t]/)[0]!;
      if (value === '') fail(n, `'${attribute[1]}' has no value`);
      open!.attributes.push({ name: attribute[1]!, value, line: n });
      continue;
    }
    const line = stripComment(whole);
    if (line === '') continue;
    const section = SECTION.exec(line);
    if (section) {
      if (open) {
        warnings.push({
          file,
          line: n,
          message: `section '${open.name}' (line ${open.line}) is not closed before '${section[1]}': treated as closed`,
        });
      }
      open = { name: section[1]!, line: n, attributes: [] };
      sections.push(open);
      continue;
    }
    if (line === '}') {
      if (!open) fail(n, `'}' closes no section: remove it or open a section before it`);
      open = undefined;
      continue;
    }
    if (line.startsWith('}')) fail(n, `the closing '}' must be alone on its line`);
    const pair = ATTRIBUTE.exec(line);
    if (!pair) {
      if (/^[A-Za-z_][\w.-]*$/.test(line)) fail(n, `'${line}': the opening '{' must be on the same line as the section name`);
      if (line.includes('{')) fail(n, `'${line}': write 'section {' alone on its line, then one 'name: value' per line`);
      fail(n, `expected 'section {', 'name: value' or '}', found '${line}'`);
    }
    if (!open) fail(n, `'${line}' is outside any section: put it inside a section such as 'listener { … }'`);
    const [, name, value] = pair!;
    if (value === '') fail(n, `'${name}' has no value: write '${name}: <value>' or remove the line`);
    if (value === '{') {
      i = readInlineMap(lines, i, file, name!, open!.attributes);
      continue;
    }
    open!.attributes.push({ name: name!, value: value!, line: n });
  }
  if (open) {
    const last = lines.length - [...lines].reverse().findIndex((l) => l.trim() !== '');
    warnings.push({ file, line: last, message: `section '${open.name}' (line ${open.line}) is not closed at the end of the file: treated as closed` });
  }
  return { sections, warnings };
}

/**
 * §1.1: `openProperties: {` … `}` holds an inline JSON map; only whole-line `#` comments are
 * dropped inside it. Returns the index of the map's closing line.
 */
function readInlineMap(lines: string[], start: number, file: string, name: string, into: RawAttribute[]): number {
  const body: string[] = ['{'];
  let depth = 1;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('#')) continue;
    body.push(line);
    for (const c of line) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    if (depth <= 0) {
      try {
        into.push({ name, value: JSON.parse(body.join('\n')) as unknown, line: start + 1 });
      } catch (cause) {
        throw new ConfigSyntaxError({ file, line: start + 1 }, `the map '${name}' is not valid JSON`, { cause });
      }
      return i;
    }
  }
  throw new ConfigSyntaxError({ file, line: start + 1 }, `the map '${name}' is not closed with '}'`);
}
