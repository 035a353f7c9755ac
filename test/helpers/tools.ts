// Tests that need a system tool the user may lack (socat, chromium) call `haveTool()` first.
// Missing tool: the test records itself as skipped, with the command that installs the tool, and
// returns early; under FOGBRIDGE_REQUIRE_ALL=1 (CI) a missing tool is a failure instead.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export function toolPath(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** True when `name` is on PATH; otherwise records a skip for `testName` (or throws under FOGBRIDGE_REQUIRE_ALL=1). */
export function haveTool(name: string, install: string, testName: string): boolean {
  if (toolPath(name)) return true;
  const line = `${testName}: needs ${name} (${install})`;
  if (process.env.FOGBRIDGE_REQUIRE_ALL === '1') throw new Error(`FOGBRIDGE_REQUIRE_ALL=1 and ${line}`);
  recordSkip(line);
  return false;
}

export function recordSkip(line: string): void {
  console.log(`\n  SKIP ${line}`);
  const dir = process.env.FOGBRIDGE_SKIP_DIR;
  if (dir) writeFileSync(join(dir, randomUUID()), line);
}
