// AMQP error conditions (protocol/conditions.ts): the closed table and its lookups.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONDITIONS, ConditionError, describeCondition, isCondition, toCondition, type Condition } from '../../../protocol/conditions.js';

test('GIVEN the conditions the design names WHEN looked up THEN each is in the table', () => {
  const named: Condition[] = [
    'qd:no-route-to-dest', 'qd:routed-link-lost', 'amqp:unauthorized-access', 'amqp:resource-limit-exceeded', 'amqp:link:detach-forced',
    'amqp:link:redirect', 'amqp:connection:forced', 'com.microsoft:timeout', 'com.microsoft:server-busy', 'com.microsoft:argument-error',
    'com.microsoft:precondition-failed', 'com.microsoft:device-already-exists', 'com.microsoft:message-lock-lost',
  ];
  for (const condition of named) assert.ok(isCondition(condition), condition);
});

test('GIVEN every entry WHEN read THEN it has a namespaced symbol, a meaning and at least one sender', () => {
  for (const [condition, info] of Object.entries(CONDITIONS)) {
    assert.match(condition, /^(amqp|qd|com\.microsoft):[a-z-]+(:[a-z-]+)?$/);
    assert.ok(info.meaning.length > 10, condition);
    assert.ok(info.sentBy.length > 0, condition);
  }
});

test('GIVEN the link-level conditions WHEN their scope is read THEN it is link (they travel on detach)', () => {
  for (const condition of Object.keys(CONDITIONS).filter((k) => k.startsWith('amqp:link:') || k.startsWith('qd:'))) {
    assert.is(CONDITIONS[condition as Condition].scope, 'link', condition);
  }
  assert.is(CONDITIONS['amqp:connection:forced'].scope, 'connection');
  assert.is(CONDITIONS['amqp:session:window-violation'].scope, 'session');
});

test('GIVEN a known condition WHEN described THEN the line starts with the symbol and says what it means', () => {
  assert.is(describeCondition('qd:no-route-to-dest'), `qd:no-route-to-dest: ${CONDITIONS['qd:no-route-to-dest'].meaning}`);
});

test('GIVEN an unknown or prototype-named condition WHEN described or converted THEN described as unknown / ConditionError', () => {
  assert.match(describeCondition('amqp:bogus'), 'not an AMQP condition fogbridge knows');
  for (const text of ['amqp:bogus', 'toString', '__proto__', '']) {
    assert.not.ok(isCondition(text));
    try {
      toCondition(text);
      assert.unreachable('toCondition accepted an unknown condition');
    } catch (e) {
      assert.instance(e, ConditionError);
      assert.is((e as ConditionError).code, 'unknown-condition');
    }
  }
  assert.is(toCondition('amqp:not-found'), 'amqp:not-found');
});

test.run();
