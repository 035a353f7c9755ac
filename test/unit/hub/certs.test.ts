// certs.ts: a CA and a server certificate made once in the data folder, reused after, with the
// SANs every client dials (DESIGN.md "Defaults"); policy keys made once (issue 3 items 1, 2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificates } from '../../../hub/certs.js';
import { openDatabase } from '../../../hub/store/database.js';
import { Registry } from '../../../hub/store/registry.js';
import { registrySources } from '../../../hub/sources.js';

const dir = mkdtempSync(join(tmpdir(), 'fogbridge-certs-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('first start makes a CA and a server certificate it signed, naming localhost, 127.0.0.1, ::1 and the host', () => {
  const certs = ensureCertificates(join(dir, 'a'), 'hub.example', Date.now());
  const ca = new X509Certificate(certs.caPem);
  const server = new X509Certificate(certs.certPem);
  assert.ok(ca.ca);
  assert.ok(server.verify(ca.publicKey));
  assert.ok(server.checkIssued(ca));
  for (const host of ['localhost', 'hub.example']) assert.is(server.checkHost(host), host);
  for (const ip of ['127.0.0.1', '::1']) assert.ok(server.checkIP(ip), ip);
  assert.is(certs.caFile, join(dir, 'a', 'ca.pem'));
  assert.is(readFileSync(certs.caFile, 'utf8'), certs.caPem);
});

test('later starts reuse the files; a new host name gets a new server certificate from the same CA', () => {
  const first = ensureCertificates(join(dir, 'b'), 'localhost', Date.now());
  const again = ensureCertificates(join(dir, 'b'), 'localhost', Date.now());
  assert.equal(again, first);
  const renamed = ensureCertificates(join(dir, 'b'), 'gateway.lan', Date.now());
  assert.is(renamed.caPem, first.caPem);
  assert.is.not(renamed.certPem, first.certPem);
  assert.is(new X509Certificate(renamed.certPem).checkHost('gateway.lan'), 'gateway.lan');
});

test('policy keys are made once and kept when the registry is opened again', () => {
  const file = join(dir, 'hub.sqlite');
  const keysOf = (): string[] => {
    const db = openDatabase(file, 1);
    const registry = new Registry(db, registrySources(Date.now));
    const keys = ['iothubowner', 'service', 'device', 'registryRead', 'registryReadWrite'].map((p) => registry.policy(p)!.primaryKey);
    db.close();
    return keys;
  };
  const first = keysOf();
  assert.is(new Set(first).size, 5);
  assert.equal(keysOf(), first);
});

test.run();
