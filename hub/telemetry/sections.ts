// Splits an encoded AMQP message into its sections (AMQP 1.0 §3.2: header 0x70, delivery
// annotations 0x71, message annotations 0x72, properties 0x73, application properties 0x74,
// body 0x75/0x76/0x77, footer 0x78), by position, without decoding the values, so that stored
// telemetry keeps the device's bytes (telemetry/stamp.ts).
// Pure. Returns undefined for anything it cannot split with certainty (symbolic descriptors,
// sections out of order, trailing bytes): the caller then re-encodes the decoded message.
// rhea 3 writes the footer before the body (its section writers run in that order), so a footer
// directly followed by body sections is accepted as well.
import { Cursor } from '../amqp/amqp-cursor.js';

export interface SectionSpan {
  code: number;
  start: number;
  end: number;
}

const FIRST = 0x70;
const LAST = 0x78;
const BODY = [0x75, 0x76, 0x77];
const FOOTER = 0x78;

export function splitSections(bytes: Buffer): SectionSpan[] | undefined {
  const spans: SectionSpan[] = [];
  const c = new Cursor(bytes, 0);
  try {
    while (c.at < bytes.length) {
      const start = c.at;
      if (c.byte() !== 0x00) return undefined;
      const d = c.byte();
      const code = d === 0x53 ? c.uint(1) : d === 0x80 ? c.uint(8) : -1;
      if (code < FIRST || code > LAST) return undefined;
      const previous = spans[spans.length - 1]?.code ?? FIRST - 1;
      const repeatsBody = code === previous && BODY.includes(code) && code !== 0x77;
      const bodyAfterRheaFooter = previous === FOOTER && BODY.includes(code) && !spans.some((s) => BODY.includes(s.code));
      if (code <= previous && !repeatsBody && !bodyAfterRheaFooter) return undefined;
      c.value();
      spans.push({ code, start, end: c.at });
    }
  } catch {
    return undefined;
  }
  return spans;
}
