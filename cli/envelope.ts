// `fogbridge envelope encrypt|decrypt`: seal or open one payload envelope (protocol/envelope.ts)
// from the command line, to check what a device sends or to craft a command body. Randomness (the
// IV / nonce when --iv is not given) comes from node:crypto. Exit codes: 0 done, 1 the body did
// not open (truncated, bad padding, authentication failed), 2 a usage error.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_ENVELOPE, ENVELOPE_NAMES, ENVELOPES, ENC_PROPERTY, EnvelopeError, isEnvelopeName, ivLength, open, parseKey, seal } from '../protocol/envelope.js';

export interface EnvelopeIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin(): Promise<Uint8Array>;
}

const processIo: EnvelopeIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  async stdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

const USAGE = `usage: fogbridge envelope encrypt|decrypt [--cipher <name>] --key <hex> [--iv <hex>] [--format text|hex] [<data>]

  encrypt   <data> is the plaintext; prints the envelope body as hex
  decrypt   <data> is the envelope body as hex; prints the plaintext
  Without <data>, reads stdin (bytes exactly as given: use printf, not echo, for text).

options:
  --cipher <name>     the envelope, as named by the AMQP property '${ENC_PROPERTY}' (default ${DEFAULT_ENVELOPE}):
${ENVELOPE_NAMES.map((n) => `                        ${n.padEnd(13)} ${ENVELOPES[n].summary}`).join('\n')}
  --key <hex>         16 bytes (32 hex digits); 32 bytes for secretbox; none takes no key
  --iv <hex>          encrypt only: the IV / nonce (8 bytes; 24 for secretbox); default random
  --format text|hex   the plaintext as UTF-8 text or hex (default text)
  -h, --help          this help
`;

class UsageError extends Error {}

function fromHex(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new UsageError(`${what} must be hex digits, an even number of them`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

function toText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('the plaintext is not UTF-8 text: use --format hex');
  }
}

async function run(argv: string[], io: EnvelopeIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cipher: { type: 'string', default: DEFAULT_ENVELOPE },
      key: { type: 'string', default: '' },
      iv: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [action, data, ...extra] = positionals;
  if (action !== 'encrypt' && action !== 'decrypt') throw new UsageError(`the first argument is encrypt or decrypt, got '${action ?? ''}'`);
  if (extra.length > 0) throw new UsageError(`one <data> argument at most, got ${extra.length + 1} (quote text with spaces)`);
  const cipher = values.cipher;
  if (!isEnvelopeName(cipher)) throw new UsageError(`unknown --cipher '${cipher}': one of ${ENVELOPE_NAMES.join(', ')}`);
  if (values.format !== 'text' && values.format !== 'hex') throw new UsageError(`--format is text or hex, got '${values.format}'`);
  if (values.iv !== undefined && action === 'decrypt') throw new UsageError('--iv is for encrypt: a body carries its own IV');
  const key = parseKey(values.key, cipher);
  const input = data ?? Buffer.from(await io.stdin()).toString(values.format === 'text' && action === 'encrypt' ? 'utf8' : 'latin1');

  if (action === 'encrypt') {
    const plain = values.format === 'hex' ? fromHex(input, 'the plaintext') : new TextEncoder().encode(input);
    const iv = values.iv === undefined ? randomBytes(ivLength(cipher)) : fromHex(values.iv, '--iv');
    io.stdout(`${Buffer.from(seal(cipher, key, plain, iv)).toString('hex')}\n`);
  } else {
    const plain = open(cipher, key, fromHex(input, 'the body'));
    io.stdout(`${values.format === 'hex' ? Buffer.from(plain).toString('hex') : toText(plain)}\n`);
  }
  return 0;
}

/** Codes that mean the command line was wrong rather than the body. */
const USAGE_CODES = new Set(['bad-key', 'bad-iv', 'unknown-envelope', 'too-short']);

export async function main(argv: string[], io: EnvelopeIo = processIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    const parseError = e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError || e instanceof EnvelopeError || parseError)) throw e;
    io.stderr(`fogbridge envelope: ${e.message}${e instanceof EnvelopeError ? ` (${e.code})` : ''}\n`);
    if (e instanceof EnvelopeError && !USAGE_CODES.has(e.code)) return 1;
    io.stderr('fogbridge envelope --help for usage\n');
    return 2;
  }
}
