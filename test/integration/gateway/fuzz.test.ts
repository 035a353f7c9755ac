// Every input of the Qpid Proton fuzz corpus (shared/data/proton-fuzz, Apache-2.0) thrown at the
// gateway's device path: each connection is closed or answered, nothing crashes, no connection is
// left behind, and the gateway still serves a real device afterwards (issue 4 item 6).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryPair } from '../../../hardware/transport/memory.js';
import { harness } from '../../helpers/gateway-harness.js';
import { recordSkip } from '../../helpers/tools.js';

const CORPUS = new URL('../../../../shared/data/proton-fuzz/', import.meta.url).pathname;

function inputs(): string[] {
  return ['fuzz-connection-driver', 'fuzz-proactor-receive', 'fuzz-message-decode'].flatMap((harnessDir) =>
    ['corpus', 'crash', 'minimized'].flatMap((kind) => {
      const dir = join(CORPUS, harnessDir, kind);
      return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
    }));
}

test('every Proton fuzz input leaves the gateway serving real traffic with no connection left behind', async () => {
  const files = inputs();
  if (files.length === 0) return recordSkip(`proton fuzz corpus: ${CORPUS} is not there (the shared folder)`);
  const h = await harness();
  try {
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < files.length; i += 50) {
      await Promise.all(files.slice(i, i + 50).map(async (file) => {
        const { a, b } = memoryPair();
        h.gateway.acceptStream(b, `fuzz ${file}`, { idleTimeoutSeconds: 0, initialHandshakeTimeoutSeconds: 0.5 });
        a.on('data', () => undefined);
        const closed = new Promise((resolve) => a.once('close', resolve).once('end', resolve));
        a.end(readFileSync(file));
        await closed;
      }));
    }
    assert.is(h.gateway.connections.size, 0, 'every fuzz connection was closed');
    const device = await h.device('dev-A');
    assert.is(await device.putToken('A'), 200);
    const s = await device.attachSender('devices/A/messages/events');
    assert.ok(s.ok);
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    assert.ok(grownMb < 200, `heap grew ${grownMb.toFixed(0)} MB`);
  } finally {
    await h.close();
  }
});

test.run();
