// The Event Hubs start-position filter on a partition receiver's source (reference/iot-hub-amqp.md
// §6.3): key `apache.org:selector-filter:string`, a string described by 0x0000468C00000004, holding
//   amqp.annotation.x-opt-offset          >|>= '<offset>'   ('-1' = from the start, '@latest' = after the last)
//   amqp.annotation.x-opt-sequence-number >|>= '<n>'
//   amqp.annotation.x-opt-enqueued-time   >|>= '<ms since the epoch>'
// (@azure/event-hubs eventPosition.js writes exactly these; the enqueued-time form is always `>`
// there, `>=` is accepted as well.) Whitespace around the operator and the quotes is optional.
//
// Contract: pure. parseSelectorFilter returns a StartPosition or throws FilterError with code
// 'bad-filter' (not one of the forms above) or 'bad-value' (a form with a value that is not a
// whole number). formatSelectorFilter writes what the SDK writes, so parse(format(p)) equals p.
import { CodedError } from './coded-error.js';

export type FilterErrorCode = 'bad-filter' | 'bad-value';

export class FilterError extends CodedError<FilterErrorCode> {}

/** The filter-set key and the descriptor of its value (§6.3). */
export const SELECTOR_FILTER_KEY = 'apache.org:selector-filter:string';
export const SELECTOR_FILTER_DESCRIPTOR = 0x0000468c00000004;

export type StartPosition =
  | { by: 'start' }
  | { by: 'latest' }
  | { by: 'offset'; offset: number; inclusive: boolean }
  | { by: 'sequence'; sequenceNumber: number; inclusive: boolean }
  | { by: 'enqueued-time'; enqueuedAt: number; inclusive: boolean };

const FORM = /^\s*amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/i;
const WHOLE = /^-?\d{1,16}$/;

function show(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function whole(what: string, text: string): number {
  const n = Number(text);
  if (!WHOLE.test(text) || !Number.isSafeInteger(n)) throw new FilterError('bad-value', `the ${what} in the filter must be a whole number, got ${show(text)}`);
  return n;
}

export function parseSelectorFilter(expression: string): StartPosition {
  const m = typeof expression === 'string' ? FORM.exec(expression) : null;
  if (!m) {
    throw new FilterError(
      'bad-filter',
      `selector filter ${show(String(expression))} is not one of: amqp.annotation.x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time > or >= '<value>'`,
    );
  }
  const [, field, operator, value] = m as unknown as [string, string, string, string];
  const inclusive = operator === '>=';
  switch (field.toLowerCase()) {
    case 'x-opt-offset':
      if (value === '@latest') return { by: 'latest' };
      if (value === '-1' && !inclusive) return { by: 'start' };
      return { by: 'offset', offset: whole('offset', value), inclusive };
    case 'x-opt-sequence-number':
      return { by: 'sequence', sequenceNumber: whole('sequence number', value), inclusive };
    default:
      return { by: 'enqueued-time', enqueuedAt: whole('enqueued time', value), inclusive };
  }
}

export function formatSelectorFilter(p: StartPosition): string {
  const op = (inclusive: boolean): string => (inclusive ? '>=' : '>');
  switch (p.by) {
    case 'start': return "amqp.annotation.x-opt-offset > '-1'";
    case 'latest': return "amqp.annotation.x-opt-offset > '@latest'";
    case 'offset': return `amqp.annotation.x-opt-offset ${op(p.inclusive)} '${p.offset}'`;
    case 'sequence': return `amqp.annotation.x-opt-sequence-number ${op(p.inclusive)} '${p.sequenceNumber}'`;
    case 'enqueued-time': return `amqp.annotation.x-opt-enqueued-time ${op(p.inclusive)} '${p.enqueuedAt}'`;
  }
}
