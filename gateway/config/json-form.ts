// The JSON form (reference/qdrouterd.md §1.1): a file whose name ends in `.json` holds an array of
// `["sectionName", { attributes }]` pairs; lines whose first non-blank character is `#` are dropped
// first. The same name folding, aliases and validation follow as for the text form.
import { ConfigSyntaxError } from './errors.js';
import type { RawAttribute, RawSection } from './raw.js';

/** Offsets where each element of the top-level array starts (JSON.parse reports no positions). */
function elementOffsets(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectValue && !/\s|,|\]/.test(c)) {
      starts.push(i);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    if (depth === 1 && (c === '[' || c === ',')) expectValue = true;
  }
  return starts;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readJsonForm(text: string, file: string): RawSection[] {
  const cleaned = text
    .split('\n')
    .map((l) => (l.trimStart().startsWith('#') ? '' : l))
    .join('\n');
  let parsed: unknown;
  try {
    parsed = JSON.parse(cleaned);
  } catch (cause) {
    throw new ConfigSyntaxError({ file, line: 0 }, `not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigSyntaxError({ file, line: 0 }, 'the JSON form is an array of ["section", { attributes }] pairs');
  }
  const offsets = elementOffsets(cleaned);
  return parsed.map((entry: unknown, index) => {
    const offset = offsets[index] ?? 0;
    const line = lineAt(cleaned, offset);
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !isPlainObject(entry[1])) {
      throw new ConfigSyntaxError({ file, line }, `entry ${index + 1} is not a ["section", { attributes }] pair`);
    }
    const attributes: RawAttribute[] = Object.entries(entry[1]).map(([name, value]) => {
      const at = cleaned.indexOf(JSON.stringify(name), offset);
      return { name, value, line: at < 0 ? line : lineAt(cleaned, at) };
    });
    return { name: entry[0], line, attributes };
  });
}
