// DESIGN.md's folder table: who may import whom. gateway/, hub/ and device-emulator/ meet only on
// the wire; protocol/ is pure (no I/O, no timers, no rhea).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');

const MAY_IMPORT: Record<string, string[]> = {
  protocol: [],
  hardware: ['protocol'],
  'device-emulator': ['protocol', 'hardware'],
  gateway: ['protocol', 'hardware'],
  hub: ['protocol'],
};
// Packages and built-ins that would make protocol/ impure.
const IMPURE = /^(rhea|serialport|@serialport\/|better-sqlite3|node:(fs|net|tls|dgram|http|https|child_process|worker_threads|timers))/;

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

/** The top folder a specifier in `file` points into, or undefined for a package. */
function targetFolder(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(root, resolve(dirname(file), specifier)).split(sep)[0];
}

test('each program folder imports only the folders DESIGN.md allows', () => {
  const violations: string[] = [];
  for (const [folder, allowed] of Object.entries(MAY_IMPORT)) {
    for (const file of sources(join(root, folder))) {
      for (const spec of importsOf(file)) {
        const target = targetFolder(file, spec);
        if (target && target !== folder && !allowed.includes(target)) {
          violations.push(`${relative(root, file)} imports ${spec} (${folder}/ may import: ${allowed.join(', ') || 'nothing of ours'})`);
        }
      }
    }
  }
  assert.equal(violations, []);
});

test('protocol/ imports no I/O module, no rhea and uses no timers', () => {
  const violations: string[] = [];
  for (const file of sources(join(root, 'protocol'))) {
    for (const spec of importsOf(file)) if (IMPURE.test(spec)) violations.push(`${relative(root, file)} imports ${spec}`);
    if (/\b(setTimeout|setInterval|setImmediate|Date\.now|process\.(env|argv))\b/.test(readFileSync(file, 'utf8'))) {
      violations.push(`${relative(root, file)} uses a timer, the clock or process state`);
    }
  }
  assert.equal(violations, []);
});

test('the import scanner sees relative imports across folders', () => {
  // Guards the guard: a scanner that found nothing would pass the tests above vacuously.
  const file = join(root, 'gateway', 'x.ts');
  assert.is(targetFolder(file, '../hub/store.js'), 'hub');
  assert.is(targetFolder(file, './route-table.js'), 'gateway');
  assert.is(targetFolder(file, 'rhea'), undefined);
  const self = importsOf(join(root, 'test/unit/import-directions.test.ts'));
  assert.ok(self.includes('uvu/assert'));
});

test.run();
