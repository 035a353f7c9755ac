// `fogbridge command`: sends one cloud-to-device command (issue 6 item 3), sealed with the
// device's envelope key when --key is given (the `enc` application property names the
// envelope), and unless --ack none waits for its feedback record and prints it as JSON.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_ENVELOPE, ENC_PROPERTY, ENVELOPE_NAMES, isEnvelopeName, ivLength, parseKey, seal } from '../../protocol/envelope.js';
import type { FeedbackAck } from '../../protocol/feedback.js';
import { C2dClient } from './c2d-client.js';
import { processIo, readCa, report, UsageError, wholeSeconds, type ServiceCliIo } from './cli-common.js';
import { ServiceError } from './service-error.js';

export const USAGE = `usage: fogbridge command --service <connection string> --device <id> [options] '<json>'

Sends <json> to the device on /messages/devicebound and, unless --ack none, waits for the feedback
record and prints it (stdout, JSON). Example: fogbridge command --service "$CS" --device board-1 \\
  --key 000102030405060708090a0b0c0d0e0f --ack full '{"cmd":"led","value":"on"}'

options:
  --service <cs>        service connection string (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…;
                        local hub: "service" in <data>/connection-strings.json)
  --device <id>         the target device id
  --key <hex>           the device's envelope key: the command is sealed (default: sent as plain
                        JSON with ${ENC_PROPERTY}=none)
  --cipher <name>       the envelope (default ${DEFAULT_ENVELOPE}): ${ENVELOPE_NAMES.join(', ')}
  --ack <mode>          full | positive | negative | none (default full)
  --ttl <s>             expire the command after this many seconds (default: the hub's, 1 h)
  --timeout <s>         how long to wait for feedback (default 120; the hub batches feedback, IoT
                        Hub within about a minute)
  --message-id <id>     default: a fresh uuid
  --ca <pem>            trust this CA (the local hub's certs/ca.pem); default: Node's roots
  -h, --help            this help

Exit codes: 0 sent (and feedback Success when waited for), 1 negative feedback, timeout,
connection or authorization failure, 2 bad option or connection string.
`;

const OPTIONS = {
  service: { type: 'string' },
  device: { type: 'string' },
  key: { type: 'string' },
  cipher: { type: 'string', default: DEFAULT_ENVELOPE },
  ack: { type: 'string', default: 'full' },
  ttl: { type: 'string' },
  timeout: { type: 'string' },
  'message-id': { type: 'string' },
  ca: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const ACKS: readonly FeedbackAck[] = ['full', 'positive', 'negative', 'none'];

export async function main(argv: string[], io: ServiceCliIo = processIo()): Promise<number> {
  let client: C2dClient | undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      await io.stdout(USAGE);
      return 0;
    }
    if (values.service === undefined) throw new UsageError('--service <connection string> is required');
    if (values.device === undefined) throw new UsageError('--device <id> is required');
    if (positionals.length !== 1) throw new UsageError(`give exactly one command, as JSON in quotes ('{"cmd":"led","value":"on"}'), got ${positionals.length} arguments`);
    const text = positionals[0]!;
    try {
      JSON.parse(text);
    } catch (error) {
      throw new UsageError(`the command is not JSON (${(error as Error).message}): quote it, e.g. '{"cmd":"led","value":"on"}'`);
    }
    const ack = values.ack as FeedbackAck;
    if (!ACKS.includes(ack)) throw new UsageError(`--ack must be one of ${ACKS.join(', ')}, got '${values.ack}'`);
    if (!isEnvelopeName(values.cipher)) throw new UsageError(`--cipher must be one of ${ENVELOPE_NAMES.join(', ')}, got '${values.cipher}'`);
    const cipher = values.cipher;
    const plaintext = new TextEncoder().encode(text);
    const body = values.key === undefined ? plaintext : seal(cipher, parseKey(values.key, cipher), plaintext, randomBytes(ivLength(cipher)));
    const ttl = values.ttl === undefined ? undefined : wholeSeconds('ttl', values.ttl, 0);
    const timeout = wholeSeconds('timeout', values.timeout, 120);
    const ca = readCa(values.ca);

    client = await C2dClient.open({ connectionString: values.service, ca, now: io.now });
    if (ack !== 'none') await client.receiveFeedback();
    const messageId = await client.send(values.device, {
      body,
      ack,
      ...(values['message-id'] === undefined ? {} : { messageId: values['message-id'] }),
      ...(ttl === undefined ? {} : { expiresAtMs: io.now() + ttl * 1000 }),
      applicationProperties: { [ENC_PROPERTY]: values.key === undefined ? 'none' : cipher },
    });
    io.stderr(`command: ${values.device} has message ${messageId} queued (ack ${ack}${ttl === undefined ? '' : `, expires in ${ttl} s`})\n`);
    if (ack === 'none') return 0;
    io.stderr(`command: waiting up to ${timeout} s for its feedback (Ctrl-C to stop waiting)\n`);
    const stopped = io.stopRequested().then(() => {
      throw new Error(`stopped before feedback for ${messageId} arrived (the command stays queued until it expires)`);
    });
    const record = await Promise.race([client.waitForFeedback(messageId, timeout * 1000), stopped]).catch((error: unknown) => {
      if (error instanceof ServiceError && error.code === 'timeout') {
        throw new ServiceError('timeout', `${error.message}: the device may be offline (the command stays queued until it expires)${ack === 'positive' ? ' or it rejected the command (ack positive reports only success)' : ack === 'negative' ? ' or it completed it (ack negative reports only failures)' : ''}; raise --timeout or use --ack none`);
      }
      throw error;
    });
    await io.stdout(`${JSON.stringify(record)}\n`);
    return record.statusCode === 'Success' ? 0 : 1;
  } catch (error) {
    return report('command', error, io);
  } finally {
    await client?.close();
  }
}
