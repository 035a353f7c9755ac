// The AMQP edge's one translation of HubError (STYLE.md: one function per edge and direction,
// as Hono's getErrorCondition). Conditions are the ones the SDKs translate
// (reference/iot-hub-amqp.md §4.5, §6.5); CBS status codes follow §2.3.
import type { AmqpError } from 'rhea';
import type { Condition } from '../../protocol/conditions.js';
import { asHubError, type HubErrorCode } from '../errors.js';

const CONDITION: Record<HubErrorCode, Condition> = {
  unauthorized: 'amqp:unauthorized-access',
  'not-found': 'amqp:not-found',
  'not-allowed': 'amqp:not-allowed',
  'message-too-large': 'amqp:link:message-size-exceeded',
  'bad-request': 'amqp:invalid-field',
  undecodable: 'amqp:decode-error',
  'resource-limit': 'amqp:resource-limit-exceeded',
  'link-stolen': 'amqp:link:stolen',
  'transfer-limit': 'amqp:link:transfer-limit-exceeded',
  unavailable: 'amqp:link:detach-forced',
  'shutting-down': 'amqp:connection:forced',
  internal: 'amqp:internal-error',
};

/** HubError (or anything thrown) → the AMQP error for a detach, a close or a rejected outcome. */
export function toAmqpError(error: unknown): AmqpError {
  const e = asHubError(error);
  return { condition: CONDITION[e.code], description: e.message };
}

const STATUS: Record<HubErrorCode, number> = {
  unauthorized: 401,
  'not-found': 404,
  'not-allowed': 403,
  'message-too-large': 413,
  'bad-request': 400,
  undecodable: 400,
  'resource-limit': 403,
  'link-stolen': 410,
  'transfer-limit': 400,
  unavailable: 503,
  'shutting-down': 503,
  internal: 500,
};

/** HubError → the `status-code` of a request/response reply ($cbs, $management; §2.3). */
export function toStatusCode(error: unknown): { status: number; description: string } {
  const e = asHubError(error);
  return { status: STATUS[e.code], description: e.message };
}
