// Event Hubs start-position filters (protocol/event-hubs-filter.ts; reference/iot-hub-amqp.md
// §6.3): the expressions @azure/event-hubs writes, one per line, and the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fuzzParser, thrown } from '../../helpers/protocol.js';
import { FilterError, formatSelectorFilter, parseSelectorFilter, type StartPosition } from '../../../protocol/event-hubs-filter.js';

const examples: [string, StartPosition][] = [
  ["amqp.annotation.x-opt-offset > '-1'", { by: 'start' }], // earliest (eventPosition.js)
  ["amqp.annotation.x-opt-offset > '@latest'", { by: 'latest' }],
  ["amqp.annotation.x-opt-offset > '1024'", { by: 'offset', offset: 1024, inclusive: false }],
  ["amqp.annotation.x-opt-offset >= '1024'", { by: 'offset', offset: 1024, inclusive: true }],
  ["amqp.annotation.x-opt-offset >= '-1'", { by: 'offset', offset: -1, inclusive: true }],
  ["amqp.annotation.x-opt-sequence-number > '41'", { by: 'sequence', sequenceNumber: 41, inclusive: false }],
  ["amqp.annotation.x-opt-sequence-number >= '0'", { by: 'sequence', sequenceNumber: 0, inclusive: true }],
  ["amqp.annotation.x-opt-enqueued-time > '1700000000000'", { by: 'enqueued-time', enqueuedAt: 1700000000000, inclusive: false }],
  ["amqp.annotation.x-opt-enqueued-time >= '1700000000000'", { by: 'enqueued-time', enqueuedAt: 1700000000000, inclusive: true }],
  ["  AMQP.ANNOTATION.X-OPT-OFFSET>'7'  ", { by: 'offset', offset: 7, inclusive: false }],
];

for (const [expression, position] of examples) {
  test(`parses ${JSON.stringify(expression)}`, () => {
    assert.equal(parseSelectorFilter(expression), position);
  });
}

test('format writes what the SDK writes, and parses back', () => {
  for (const [, position] of examples) assert.equal(parseSelectorFilter(formatSelectorFilter(position)), position);
  assert.is(formatSelectorFilter({ by: 'start' }), "amqp.annotation.x-opt-offset > '-1'");
  assert.is(formatSelectorFilter({ by: 'sequence', sequenceNumber: 5, inclusive: true }), "amqp.annotation.x-opt-sequence-number >= '5'");
});

test('other annotations, operators and shapes are bad-filter', () => {
  for (const bad of [
    "amqp.annotation.x-opt-partition-key > '1'",
    "amqp.annotation.x-opt-offset < '1'",
    "amqp.annotation.x-opt-offset = '1'",
    'amqp.annotation.x-opt-offset > 1',
    "amqp.annotation.x-opt-offset > '1' AND 1=1",
    '',
  ]) {
    assert.is(thrown(FilterError, () => parseSelectorFilter(bad)).code, 'bad-filter', bad);
  }
  assert.is(thrown(FilterError, () => parseSelectorFilter(42 as never)).code, 'bad-filter');
});

test('values that are not whole numbers are bad-value', () => {
  for (const bad of ["amqp.annotation.x-opt-offset > 'abc'", "amqp.annotation.x-opt-sequence-number > '1.5'", "amqp.annotation.x-opt-enqueued-time > ''", "amqp.annotation.x-opt-sequence-number > '99999999999999999'"]) {
    assert.is(thrown(FilterError, () => parseSelectorFilter(bad)).code, 'bad-value', bad);
  }
});

test('fuzz: any string parses or throws FilterError', () => {
  fuzzParser(fc.string(), FilterError, parseSelectorFilter);
  const near = fc.tuple(fc.constantFrom('x-opt-offset', 'x-opt-sequence-number', 'x-opt-enqueued-time', 'x-opt-other'), fc.constantFrom('>', '>=', '<'), fc.string())
    .map(([field, op, value]) => `amqp.annotation.${field} ${op} '${value}'`);
  fuzzParser(near, FilterError, parseSelectorFilter, (p) => assert.ok(['start', 'latest', 'offset', 'sequence', 'enqueued-time'].includes(p.by)));
});

test.run();
