// The hub's TLS identity (DESIGN.md "Defaults"; issue 3 item 1): on first start a CA and a server
// certificate signed by it, written into the data folder; later starts reuse them. The server
// certificate names every host clients dial (reference/iot-hub-amqp.md §1.5: Node checks the SAN):
// localhost, 127.0.0.1, ::1 and the configured host name. If the configured host name is not in
// an existing certificate, a new server certificate is issued by the same CA.
//
// Keys come from node:crypto (RSA 2048); node-forge only builds and signs the X.509 structures.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

export interface HubCertificates {
  caFile: string;
  caPem: string;
  keyPem: string;
  certPem: string;
}

const FILES = { caKey: 'ca-key.pem', ca: 'ca.pem', key: 'server-key.pem', cert: 'server.pem' } as const;
const DEFAULT_NAMES = ['localhost', '127.0.0.1', '::1'];

export function serverNames(hostname: string): string[] {
  return [...new Set([...DEFAULT_NAMES, hostname])];
}

function newKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function issue(o: {
  subject: string;
  publicPem: string;
  issuer?: forge.pki.Certificate;
  signingKeyPem: string;
  isCa: boolean;
  names?: string[];
  now: number;
  years: number;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(o.publicPem);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(o.now - 24 * 3600_000);
  cert.validity.notAfter = new Date(o.now + o.years * 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: o.subject }, { name: 'organizationName', value: 'fogbridge' }];
  cert.setSubject(subject);
  cert.setIssuer(o.issuer ? o.issuer.subject.attributes : subject);
  const extensions: object[] = o.isCa
    ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
    : [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: (o.names ?? []).map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
      ];
  cert.setExtensions([...extensions, { name: 'subjectKeyIdentifier' }]);
  cert.sign(forge.pki.privateKeyFromPem(o.signingKeyPem), forge.md.sha256.create());
  return cert;
}

function certCovers(certPem: string, names: string[]): boolean {
  const x509 = new X509Certificate(certPem);
  return names.every((n) => (isIP(n) ? x509.checkIP(n) !== undefined : x509.checkHost(n) !== undefined));
}

/** Loads the CA and server certificate from `dir`, creating what is missing. */
export function ensureCertificates(dir: string, hostname: string, now: number): HubCertificates {
  mkdirSync(dir, { recursive: true });
  const path = (f: keyof typeof FILES): string => join(dir, FILES[f]);
  if (!existsSync(path('ca')) || !existsSync(path('caKey'))) {
    const keys = newKeys();
    const ca = issue({ subject: 'fogbridge local CA', publicPem: keys.publicPem, signingKeyPem: keys.privatePem, isCa: true, now, years: 10 });
    writeFileSync(path('caKey'), keys.privatePem, { mode: 0o600 });
    writeFileSync(path('ca'), forge.pki.certificateToPem(ca));
  }
  const caPem = readFileSync(path('ca'), 'utf8');
  const names = serverNames(hostname);
  if (!existsSync(path('cert')) || !existsSync(path('key')) || !certCovers(readFileSync(path('cert'), 'utf8'), names)) {
    const keys = newKeys();
    const cert = issue({
      subject: hostname,
      publicPem: keys.publicPem,
      issuer: forge.pki.certificateFromPem(caPem),
      signingKeyPem: readFileSync(path('caKey'), 'utf8'),
      isCa: false,
      names,
      now,
      years: 2,
    });
    writeFileSync(path('key'), keys.privatePem, { mode: 0o600 });
    writeFileSync(path('cert'), `${forge.pki.certificateToPem(cert)}${caPem}`);
  }
  return { caFile: path('ca'), caPem, keyPem: readFileSync(path('key'), 'utf8'), certPem: readFileSync(path('cert'), 'utf8') };
}
