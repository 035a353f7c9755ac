// The CBS reply's wire types (reference/iot-hub-amqp.md §2.3): amqp-base tests `status-code`
// with `!== 200`, so it must decode to a number: the hub encodes it as an AMQP int, never a
// string; `correlation-id` keeps the request message-id's type.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea from 'rhea';
import { cbsReply } from '../../../hub/amqp/cbs.js';

test('status-code is encoded as AMQP int (0x71) and decodes to the number 200', () => {
  const bytes = rhea.message.encode(cbsReply('req-1', 'cbs', 200, 'OK'));
  const key = Buffer.concat([Buffer.from([0xa1, 11]), Buffer.from('status-code')]);
  const at = bytes.indexOf(key);
  assert.ok(at > 0);
  assert.equal([...bytes.subarray(at + key.length, at + key.length + 5)], [0x71, 0, 0, 0, 200]);
  const decoded = rhea.message.decode(bytes) as unknown as { correlation_id: unknown; application_properties: Record<string, unknown> };
  assert.is(decoded.application_properties['status-code'], 200);
  assert.is(decoded.correlation_id, 'req-1');
});

test('401 and 404 are ints too; a uuid message-id comes back as the same uuid bytes', () => {
  for (const status of [401, 404]) {
    const decoded = rhea.message.decode(rhea.message.encode(cbsReply('x', undefined, status, 'no'))) as unknown as { application_properties: Record<string, unknown> };
    assert.is(decoded.application_properties['status-code'], status);
  }
  const uuid = rhea.types.wrap_uuid(Buffer.alloc(16, 0xab));
  const bytes = rhea.message.encode(cbsReply(uuid as never, 'cbs', 200, 'OK'));
  assert.ok(bytes.includes(Buffer.concat([Buffer.from([0x98]), Buffer.alloc(16, 0xab)])));
});

test.run();
