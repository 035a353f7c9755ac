// Feedback records (protocol/feedback.ts), reference/iot-hub-amqp.md §5.3.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fuzzParser, thrown } from '../../helpers/protocol.js';
import {
  FEEDBACK_CONTENT_TYPE, FEEDBACK_STATUS, FeedbackError, decodeFeedback, encodeFeedback, feedbackRecord, feedbackWanted, type FeedbackRecord,
} from '../../../protocol/feedback.js';

// The docs example body, byte for byte (field order as documented).
const GOLDEN = '[{"originalMessageId":"0987654321","enqueuedTimeUtc":"2015-07-28T16:24:48.789Z","statusCode":"Success","description":"Success","deviceId":"123","deviceGenerationId":"abcdefghijklmnopqrstuvwxyz"}]';
const RECORD: FeedbackRecord = {
  originalMessageId: '0987654321', enqueuedTimeUtc: '2015-07-28T16:24:48.789Z', statusCode: 'Success', description: 'Success',
  deviceId: '123', deviceGenerationId: 'abcdefghijklmnopqrstuvwxyz',
};

const feedbackError = (fn: () => unknown): FeedbackError => thrown(FeedbackError, fn);

test('GIVEN the docs example record WHEN encoded THEN the body is the golden UTF-8 JSON byte for byte', () => {
  assert.is(new TextDecoder().decode(encodeFeedback([RECORD])), GOLDEN);
  assert.is(FEEDBACK_CONTENT_TYPE, 'application/vnd.microsoft.iothub.feedback.json');
});

test('GIVEN the golden body WHEN decoded (bytes or text) THEN the record comes back', () => {
  assert.equal(decodeFeedback(new TextEncoder().encode(GOLDEN)), [RECORD]);
  assert.equal(decodeFeedback(GOLDEN), [RECORD]);
});

test('GIVEN records in another field order with extra fields WHEN decoded and re-encoded THEN the documented order, extras dropped', () => {
  const shuffled = JSON.stringify([{ extra: 1, deviceGenerationId: 'g', deviceId: 'd', description: 'Rejected', statusCode: 'Rejected', enqueuedTimeUtc: '2026-01-01T00:00:00Z', originalMessageId: 'm' }]);
  const body = new TextDecoder().decode(encodeFeedback(decodeFeedback(shuffled)));
  assert.is(body, '[{"originalMessageId":"m","enqueuedTimeUtc":"2026-01-01T00:00:00Z","statusCode":"Rejected","description":"Rejected","deviceId":"d","deviceGenerationId":"g"}]');
});

test('GIVEN every status code WHEN a record is made at a given time THEN it round trips; an empty batch is []', () => {
  const records = Object.keys(FEEDBACK_STATUS).map((statusCode, i) =>
    feedbackRecord({ originalMessageId: `m${i}`, deviceId: 'dev1', deviceGenerationId: 'g1', statusCode: statusCode as FeedbackRecord['statusCode'], atMs: 1_700_000_000_000 + i }));
  assert.is(records[0]!.enqueuedTimeUtc, '2023-11-14T22:13:20.000Z');
  assert.is(records[4]!.description, 'Purged');
  assert.equal(decodeFeedback(encodeFeedback(records)), records);
  assert.is(new TextDecoder().decode(encodeFeedback([])), '[]');
});

test('GIVEN ack values WHEN asking which outcomes produce feedback THEN positive=Success, negative=the failures, full=all, none=nothing', () => {
  assert.ok(feedbackWanted('positive', 'Success'));
  assert.not.ok(feedbackWanted('positive', 'Rejected'));
  for (const s of ['Expired', 'DeliveryCountExceeded', 'Rejected', 'Purged'] as const) assert.ok(feedbackWanted('negative', s));
  assert.not.ok(feedbackWanted('negative', 'Success'));
  for (const s of Object.keys(FEEDBACK_STATUS) as (keyof typeof FEEDBACK_STATUS)[]) {
    assert.ok(feedbackWanted('full', s));
    assert.not.ok(feedbackWanted('none', s));
  }
});

const bad: [string | Uint8Array, string, string][] = [
  [new Uint8Array([0x5b, 0xff, 0x5d]), 'bad-utf8', 'UTF-8'],
  ['[{', 'bad-json', 'JSON'],
  ['', 'bad-json', 'JSON'],
  ['{}', 'bad-shape', 'array'],
  ['[1]', 'bad-record', 'record 0'],
  ['[null]', 'bad-record', 'record 0'],
  [GOLDEN.replace('"Success","description"', '"Completed","description"'), 'bad-record', 'statusCode'],
  [GOLDEN.replace('"statusCode":"Success",', '"statusCode":"toString",'), 'bad-record', 'statusCode'],
  [GOLDEN.replace('"deviceId":"123"', '"deviceId":123'), 'bad-record', 'deviceId'],
  [GOLDEN.replace('"originalMessageId":"0987654321",', ''), 'bad-record', 'originalMessageId'],
  [GOLDEN.replace('2015-07-28T16:24:48.789Z', 'yesterday'), 'bad-record', 'enqueuedTimeUtc'],
  [`[${GOLDEN.slice(1, -1)},[]]`, 'bad-record', 'record 1'],
];
for (const [body, code, named] of bad) {
  test(`GIVEN feedback body ${JSON.stringify(typeof body === 'string' ? body.slice(0, 50) : [...body])} WHEN decoded THEN ${code} naming ${named}`, () => {
    const e = feedbackError(() => decodeFeedback(body));
    assert.is(e.code, code);
    assert.ok(e.message.includes(named), e.message);
  });
}

test('GIVEN a record with a bad status or time WHEN encoded or made THEN FeedbackError', () => {
  assert.is(feedbackError(() => encodeFeedback([{ ...RECORD, statusCode: 'Nope' as 'Success' }])).code, 'bad-record');
  assert.is(feedbackError(() => feedbackRecord({ originalMessageId: 'm', deviceId: 'd', deviceGenerationId: 'g', statusCode: 'Success', atMs: Number.NaN })).code, 'bad-record');
});

test('GIVEN arbitrary bodies WHEN decoded THEN each decodes or throws FeedbackError, nothing else (fuzz)', () => {
  const jsonish = fc.array(fc.oneof(fc.constant(RECORD), fc.dictionary(fc.constantFrom('statusCode', 'deviceId', 'enqueuedTimeUtc', 'x'), fc.jsonValue())), { maxLength: 3 })
    .map((a) => JSON.stringify(a));
  fuzzParser(fc.oneof(fc.string(), fc.json(), jsonish, fc.uint8Array({ maxLength: 64 })), FeedbackError, decodeFeedback, (records) => {
    assert.equal(decodeFeedback(encodeFeedback(records)), records);
  });
});

test.run();
