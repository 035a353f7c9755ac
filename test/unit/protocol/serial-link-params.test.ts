import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeLinkParams, encodeLinkParams, negotiateLinkParams, SERIAL_LINK, type LinkParams } from '../../../protocol/serial-link-params.js';
import { SerialFrameError } from '../../../protocol/serial-frame-error.js';
import { thrown } from '../../helpers/protocol.js';
import { bytes, hex } from './serial-fixtures.js';

const board: LinkParams = { version: 1, window: 4, maxPayload: 256, session: 0x2a17 };
const gateway: LinkParams = { version: 1, window: SERIAL_LINK.defaultWindow, maxPayload: SERIAL_LINK.maxPayload, session: 0 };

const codeOf = (run: () => unknown): string => thrown(SerialFrameError, run).code;

test('link parameters are version, window, max payload (u16 BE), session (u16 BE)', () => {
  assert.is(hex(encodeLinkParams(board)), '01 04 01 00 2A 17');
  assert.equal(decodeLinkParams(bytes('01 04 01 00 2A 17')), board);
});

test('the responder answers with the smaller window and max payload and the opener session', () => {
  assert.equal(negotiateLinkParams(board, gateway), { version: 1, window: 4, maxPayload: 256, session: 0x2a17 });
  assert.equal(negotiateLinkParams({ ...board, window: 20, maxPayload: 64 }, gateway), { version: 1, window: 8, maxPayload: 64, session: 0x2a17 });
});

test('a version the responder does not speak is unsupported-version', () => {
  assert.is(codeOf(() => negotiateLinkParams({ ...board, version: 2 }, gateway)), 'unsupported-version');
});

test('out-of-range or mis-sized parameters are bad-field, naming the field', () => {
  assert.is(codeOf(() => decodeLinkParams(bytes('01 04 01 00 2A'))), 'bad-field');
  assert.is(codeOf(() => decodeLinkParams(bytes('01 00 01 00 2A 17'))), 'bad-field');
  assert.is(codeOf(() => decodeLinkParams(bytes('01 04 01 01 2A 17'))), 'bad-field');
  assert.is(codeOf(() => decodeLinkParams(bytes('00 04 01 00 2A 17'))), 'bad-field');
  assert.is(codeOf(() => encodeLinkParams({ ...board, session: 0x10000 })), 'bad-field');
  assert.match(thrown(SerialFrameError, () => encodeLinkParams({ ...board, maxPayload: 0 })).message, 'maxPayload');
});

test('the window fits half the 8-bit sequence space', () => {
  assert.ok(SERIAL_LINK.maxWindow < 128);
  assert.ok(SERIAL_LINK.defaultWindow <= SERIAL_LINK.maxWindow);
});

test.run();
