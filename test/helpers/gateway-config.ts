// Shared by the gateway config tests: the two reference configs (the seed's 0.6 file as printed,
// the reference's §1.3 1.x file), each kept as a fixture and compared with its source when the
// shared folder is present, and a quiet `load` for text written in a test.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseConfig } from '../../gateway/config/load.js';
import type { LoadedConfig } from '../../gateway/config/types.js';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
export const fixture = (name: string) => readFileSync(join(root, 'test/fixtures', name), 'utf8');

/** ../shared/seeds relative to the repository, when the shared folder is there. */
export function seedStoryConfigBlock(): string | undefined {
  const dir = join(root, '../shared/seeds');
  if (!existsSync(dir)) return undefined;
  const story = readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(dir, f), 'utf8')).find((t) => t.includes('\nlistener {'));
  if (story === undefined) return undefined;
  const start = story.indexOf('\nlistener {') + 1;
  const end = story.indexOf('\n', story.lastIndexOf(' dir: out', story.indexOf('The main points in the configuration')));
  return story.slice(start, end + 1);
}

/** The §1.3 example of ../shared/reference/qdrouterd.md, when the shared folder is there. */
export function referenceExample(): string | undefined {
  const path = join(root, '../shared/reference/qdrouterd.md');
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const section = text.indexOf('### 1.3');
  const start = text.indexOf('```\n', section) + 4;
  return text.slice(start, text.indexOf('```', start));
}

export const load = (text: string, file = 'gw.conf'): LoadedConfig => parseConfig(text, { file });

/** A minimal valid config around `body`: a listener, a TLS-less route-container connector `HUB`. */
export const withBasics = (body: string) => `listener {\n    port: 5672\n}\nconnector {\n    name: HUB\n    host: hub.example\n    role: route-container\n}\n${body}`;

export const messages = (loaded: LoadedConfig) => loaded.warnings.map((w) => `${w.line}: ${w.message}`);
