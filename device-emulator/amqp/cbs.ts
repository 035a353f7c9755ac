// CBS put-token from the device side (reference/iot-hub-amqp.md §2): a sender to `$cbs` for the
// requests and a receiver from `$cbs` for the answers, attached once and reused for every renewal.
// Request: message-id a string, reply-to `cbs`, application properties operation=put-token,
// type=servicebus.windows.net:sastoken, name = the token's `sr` as written in it, body the token.
// The answer is matched by correlation-id; success is the AMQP int 200, nothing else (§2.3).
import type { Connection, Message, Receiver, Sender } from 'rhea';
import { parseSasToken } from '../../protocol/sas.js';
import { SendQueue } from './send-queue.js';

export interface CbsAnswer {
  status: number;
  description: string;
}

export const CBS_ADDRESS = '$cbs';
const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

export class CbsClient {
  readonly sender: Sender;
  readonly receiver: Receiver;
  #queue: SendQueue;
  #next = 0;
  #waiting = new Set<string>();

  constructor(
    connection: Connection,
    private readonly deviceId: string,
    onAnswer: (answer: CbsAnswer) => void,
  ) {
    this.sender = connection.open_sender({ target: { address: CBS_ADDRESS } });
    this.receiver = connection.open_receiver({ source: { address: CBS_ADDRESS }, credit_window: 1 });
    this.#queue = new SendQueue(this.sender);
    this.receiver.on('message', ({ message }) => {
      const correlationId = String(message.correlation_id ?? '');
      if (!this.#waiting.delete(correlationId)) return; // not ours, or answered already
      onAnswer(readAnswer(message));
    });
  }

  /** Sends one put-token; the answer arrives through `onAnswer`. */
  putToken(token: string): void {
    const messageId = `${this.deviceId}:cbs:${++this.#next}`;
    this.#waiting.add(messageId);
    this.#queue.push({
      message_id: messageId,
      to: CBS_ADDRESS,
      reply_to: 'cbs',
      application_properties: { operation: 'put-token', type: SAS_TOKEN_TYPE, name: parseSasToken(token).sr },
      body: token,
    });
  }
}

function readAnswer(message: Message): CbsAnswer {
  const props = (message.application_properties ?? {}) as Record<string, unknown>;
  const code = props['status-code'];
  const description = typeof props['status-description'] === 'string' ? props['status-description'] : '';
  // The IoT SDKs accept only the number 200 (a string "200" fails there too): report anything else as -1.
  const status = typeof code === 'number' && Number.isInteger(code) ? code : -1;
  return { status, description: status === -1 ? `status-code ${JSON.stringify(code)} is not an int${description ? `: ${description}` : ''}` : description };
}
