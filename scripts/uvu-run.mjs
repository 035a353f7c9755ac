// Runs the given uvu test files in this process (loaded through tsx) and exits when they are done,
// so that a handle a test forgot to close cannot keep the run alive.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const uvu = await import('uvu');
let index = 0;
for (const file of process.argv.slice(2)) {
  globalThis.UVU_INDEX = index++;
  globalThis.UVU_QUEUE.push([file]);
  await import(pathToFileURL(resolve(file)).href);
}
await uvu.exec(false);
process.exit(process.exitCode ?? 0);
