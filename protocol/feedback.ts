// C2D feedback records: the body of messages on /messages/serviceBound/feedback
// (reference/iot-hub-amqp.md §5.3).
//
// Contract: pure. The body is a UTF-8 JSON array of records with exactly the documented camelCase
// fields, written in the documented order. encodeFeedback writes it; decodeFeedback reads it and
// throws FeedbackError (a ProtocolError) with code 'bad-utf8', 'bad-json', 'bad-shape' (not an
// array) or 'bad-record' (naming
// the record index and field) for anything else; unknown extra fields are dropped. Time is never
// read here: feedbackRecord takes the outcome time as a parameter.
import { CodedError } from './coded-error.js';

export const FEEDBACK_CONTENT_TYPE = 'application/vnd.microsoft.iothub.feedback.json';

/** C2D `iothub-ack` values (§5.1); absent means 'none'. */
export type FeedbackAck = 'none' | 'positive' | 'negative' | 'full';

/**
 * Status codes and the `iothub-ack` class that asks for them (§5.3 "which status codes go to which
 * ack values"). Purged is not in that table; it is a dead-letter-like outcome, so it is classed
 * 'negative' here.
 */
export const FEEDBACK_STATUS = {
  Success: { ack: 'positive', meaning: 'the device completed (accepted) the message' },
  Expired: { ack: 'negative', meaning: 'the message expired before the device completed it' },
  DeliveryCountExceeded: { ack: 'negative', meaning: 'the message was abandoned more times than the max delivery count' },
  Rejected: { ack: 'negative', meaning: 'the device rejected the message' },
  Purged: { ack: 'negative', meaning: "the device's queue was purged through the service API" },
} as const;

export type FeedbackStatusCode = keyof typeof FEEDBACK_STATUS;

export interface FeedbackRecord {
  /** The C2D message-id the service sent. */
  originalMessageId: string;
  /** ISO-8601: when the outcome happened. */
  enqueuedTimeUtc: string;
  statusCode: FeedbackStatusCode;
  description: string;
  deviceId: string;
  deviceGenerationId: string;
}

export type FeedbackErrorCode = 'bad-utf8' | 'bad-json' | 'bad-shape' | 'bad-record';

export class FeedbackError extends CodedError<FeedbackErrorCode> {}

/** The documented field order, used for both encoding and checking. */
const FIELDS = ['originalMessageId', 'enqueuedTimeUtc', 'statusCode', 'description', 'deviceId', 'deviceGenerationId'] as const;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})$/;

export function isFeedbackStatusCode(text: string): text is FeedbackStatusCode {
  return Object.hasOwn(FEEDBACK_STATUS, text);
}

/** Whether a C2D message sent with `ack` produces a feedback record for `status`. */
export function feedbackWanted(ack: FeedbackAck, status: FeedbackStatusCode): boolean {
  return ack === 'full' || ack === FEEDBACK_STATUS[status].ack;
}

/** A record for an outcome at `atMs` (ms since the epoch); description mirrors the status code. */
export function feedbackRecord(o: { originalMessageId: string; deviceId: string; deviceGenerationId: string; statusCode: FeedbackStatusCode; atMs: number }): FeedbackRecord {
  const at = new Date(o.atMs);
  if (Number.isNaN(at.getTime())) throw new FeedbackError('bad-record', 'atMs is not a valid time: pass milliseconds since the epoch');
  return {
    originalMessageId: o.originalMessageId,
    enqueuedTimeUtc: at.toISOString(),
    statusCode: o.statusCode,
    description: o.statusCode,
    deviceId: o.deviceId,
    deviceGenerationId: o.deviceGenerationId,
  };
}

function checkRecord(value: unknown, i: number): FeedbackRecord {
  const bad = (what: string): never => {
    throw new FeedbackError('bad-record', `feedback record ${i} ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('is not a JSON object');
  const o = value as Record<string, unknown>;
  for (const field of FIELDS) if (typeof o[field] !== 'string') bad(`has no string field ${field}`);
  if (!isFeedbackStatusCode(o.statusCode as string)) bad(`has statusCode ${JSON.stringify(o.statusCode)}: use one of ${Object.keys(FEEDBACK_STATUS).join(', ')}`);
  if (!ISO_8601.test(o.enqueuedTimeUtc as string)) bad('has an enqueuedTimeUtc that is not ISO-8601 (2015-07-28T16:24:48.789Z)');
  return Object.fromEntries(FIELDS.map((f) => [f, o[f]])) as unknown as FeedbackRecord;
}

/** The message body: UTF-8 JSON, fields in the documented order. Checks each record first. */
export function encodeFeedback(records: readonly FeedbackRecord[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(records.map(checkRecord)));
}

export function decodeFeedback(body: Uint8Array | string): FeedbackRecord[] {
  let text: string;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (cause) {
    throw new FeedbackError('bad-utf8', 'the feedback body is not valid UTF-8', { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new FeedbackError('bad-json', `the feedback body is not JSON (${(cause as Error).message})`, { cause });
  }
  if (!Array.isArray(parsed)) throw new FeedbackError('bad-shape', 'the feedback body must be a JSON array of records');
  return parsed.map(checkRecord);
}
