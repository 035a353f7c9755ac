// `fogbridge sas`: make a SharedAccessSignature token from a connection string, or check one
// (protocol/sas.ts). The clock is read here and passed in. Exit codes: 0 token printed / token
// valid, 1 the token is malformed, expired or has a bad signature, 2 a usage error.
import { parseArgs } from 'node:util';
import { deviceAudience } from '../protocol/address.js';
import { parseEventHubConnectionString, parseIotHubConnectionString } from '../protocol/connection-string.js';
import { ProtocolError } from '../protocol/errors.js';
import { KEY_CONVENTIONS, SasError, createSasToken, parseSasToken, verifySasToken, type CreateSasTokenOptions, type KeyConvention } from '../protocol/sas.js';

export interface SasIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Milliseconds since the epoch. */
  now(): number;
}

const processIo: SasIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => Date.now(),
};

const USAGE = `usage: fogbridge sas --connection-string <cs> [--ttl <seconds>]
       fogbridge sas --verify <token> --key <key> [--convention iothub|eventhub]

  --connection-string <cs>  an IoT Hub device or service connection string (token for the device,
                            or for the hub with the policy's name), or an Event Hubs one
                            (Endpoint=sb://...; token for sb://<host>/<EntityPath>); prints the token
  --ttl <seconds>           token lifetime (default 3600, as the SDKs use)
  --verify <token>          check a token (quote it: it contains '&' and a space)
  --key <key>               the key to check it with (device key or policy key, base64)
  --convention <c>          iothub: HMAC with the base64-decoded key (device and service SDKs, default)
                            eventhub: HMAC with the key's text (Event Hubs SDK, @azure/core-amqp)
  -h, --help                this help
`;

class UsageError extends Error {}

function tokenOptions(cs: string): Omit<CreateSasTokenOptions, 'expiresAt'> {
  if (/(^|;)\s*endpoint\s*=/i.test(cs)) {
    const c = parseEventHubConnectionString(cs);
    if (c.sharedAccessKey === undefined) throw new UsageError('the connection string has no SharedAccessKey to sign with');
    const entity = c.entityPath === undefined ? '' : `/${c.entityPath}`;
    const audience = `sb://${c.host}${c.port === undefined ? '' : `:${c.port}`}${entity}`;
    return { audience, key: c.sharedAccessKey, keyConvention: 'eventhub', keyName: c.sharedAccessKeyName };
  }
  const c = parseIotHubConnectionString(cs);
  if (c.sharedAccessKey === undefined) throw new UsageError('the connection string has no SharedAccessKey to sign with (it holds a signature or uses x509)');
  const device = c.deviceId === undefined ? c.hostName : deviceAudience(c.hostName, c.deviceId);
  const audience = c.moduleId === undefined ? device : `${device}/modules/${c.moduleId}`;
  return { audience, key: c.sharedAccessKey, keyConvention: 'iothub', keyName: c.sharedAccessKeyName };
}

function create(cs: string, ttlText: string, io: SasIo): number {
  if (!/^[1-9]\d{0,9}$/.test(ttlText)) throw new UsageError(`--ttl is a whole number of seconds > 0, got '${ttlText}'`);
  const expiresAt = Math.floor(io.now() / 1000) + Number(ttlText);
  io.stdout(`${createSasToken({ ...tokenOptions(cs), expiresAt })}\n`);
  return 0;
}

function verify(text: string, key: string, convention: KeyConvention, io: SasIo): number {
  const now = Math.floor(io.now() / 1000);
  try {
    const token = parseSasToken(text);
    verifySasToken(token, key, convention, now);
    const policy = token.skn === undefined ? '' : ` with policy ${token.skn}`;
    io.stdout(`valid: ${token.audience}${policy}, expires ${new Date(token.se * 1000).toISOString()} (in ${token.se - now} s)\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof SasError) || e.code === 'bad-key') throw e;
    const hint = e.code === 'bad-signature' ? ` (tried the ${convention} convention; the other is --convention ${convention === 'iothub' ? 'eventhub' : 'iothub'})` : '';
    io.stdout(`${e.code === 'expired' ? 'expired' : e.code === 'bad-signature' ? 'bad signature' : 'malformed'}: ${e.message}${hint}\n`);
    return 1;
  }
}

function run(argv: string[], io: SasIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'connection-string': { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      verify: { type: 'string' },
      key: { type: 'string' },
      convention: { type: 'string', default: 'iothub' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const cs = values['connection-string'];
  if ((cs === undefined) === (values.verify === undefined)) throw new UsageError('give either --connection-string or --verify');
  if (cs !== undefined) return create(cs, values.ttl, io);
  if (values.key === undefined) throw new UsageError('--verify needs --key');
  const convention = values.convention;
  if (!(KEY_CONVENTIONS as readonly string[]).includes(convention)) throw new UsageError(`--convention is iothub or eventhub, got '${convention}'`);
  return verify(values.verify!, values.key, convention as KeyConvention, io);
}

export async function main(argv: string[], io: SasIo = processIo): Promise<number> {
  try {
    return run(argv, io);
  } catch (e) {
    const parseError = e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError || e instanceof ProtocolError || parseError)) throw e;
    const code = e instanceof ProtocolError ? ` (${e.code})` : '';
    io.stderr(`fogbridge sas: ${e.message}${code}\nfogbridge sas --help for usage\n`);
    return 2;
  }
}
