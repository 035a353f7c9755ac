// The console's static files, read once at start into memory: the page (static/ beside this
// module when run from source, or the package's hub/console/static/ when run from dist/) and
// uPlot's dist files from node_modules. Only these fixed paths are ever served: no path from a
// request reaches the file system.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  type: string;
  body: Buffer;
}

const PAGE: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/console.js': ['console.js', 'text/javascript; charset=utf-8'],
  '/console.css': ['console.css', 'text/css; charset=utf-8'],
};

const VENDOR: Record<string, [module: string, type: string]> = {
  '/vendor/uPlot.iife.min.js': ['uplot/dist/uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
  '/vendor/uPlot.min.css': ['uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'],
};

/** static/ from source (hub/console/) or from dist/hub/console/ (three levels up is the package). */
export function staticDir(): string {
  for (const candidate of ['./static/', '../../../hub/console/static/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new Error('the web console page (hub/console/static/index.html) is missing from this install');
}

export function loadStaticFiles(dir = staticDir()): Map<string, StaticFile> {
  const require = createRequire(import.meta.url);
  const files = new Map<string, StaticFile>();
  for (const [path, [file, type]] of Object.entries(PAGE)) files.set(path, { type, body: readFileSync(`${dir}${file}`) });
  for (const [path, [module, type]] of Object.entries(VENDOR)) files.set(path, { type, body: readFileSync(require.resolve(module)) });
  files.set('/index.html', files.get('/')!);
  return files;
}
