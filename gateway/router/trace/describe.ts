// A readable one-line form of an AMQP 1.0 frame body, as Proton prints with PN_TRACE_FRM=1
// (qdrouterd.md §2.8, §8): `@attach(18) [name="x", handle=0, role=false, ...]`. Our own small
// decoder of the AMQP type system (AMQP 1.0 §1.6), used only by the trace: it never touches the
// data path, and a value it cannot read is printed as `<undecodable: ...>` rather than thrown.

/** Descriptor code -> name and field names (AMQP 1.0 §2.7, §3.2, §3.4, §3.5, §5.3). */
const DESCRIBED: Record<number, [string, string[]]> = {
  0x10: ['open', ['container-id', 'hostname', 'max-frame-size', 'channel-max', 'idle-time-out', 'outgoing-locales', 'incoming-locales', 'offered-capabilities', 'desired-capabilities', 'properties']],
  0x11: ['begin', ['remote-channel', 'next-outgoing-id', 'incoming-window', 'outgoing-window', 'handle-max', 'offered-capabilities', 'desired-capabilities', 'properties']],
  0x12: ['attach', ['name', 'handle', 'role', 'snd-settle-mode', 'rcv-settle-mode', 'source', 'target', 'unsettled', 'incomplete-unsettled', 'initial-delivery-count', 'max-message-size', 'offered-capabilities', 'desired-capabilities', 'properties']],
  0x13: ['flow', ['next-incoming-id', 'incoming-window', 'next-outgoing-id', 'outgoing-window', 'handle', 'delivery-count', 'link-credit', 'available', 'drain', 'echo', 'properties']],
  0x14: ['transfer', ['handle', 'delivery-id', 'delivery-tag', 'message-format', 'settled', 'more', 'rcv-settle-mode', 'state', 'resume', 'aborted', 'batchable']],
  0x15: ['disposition', ['role', 'first', 'last', 'settled', 'state', 'batchable']],
  0x16: ['detach', ['handle', 'closed', 'error']],
  0x17: ['end', ['error']],
  0x18: ['close', ['error']],
  0x1d: ['error', ['condition', 'description', 'info']],
  0x23: ['received', ['section-number', 'section-offset']],
  0x24: ['accepted', []],
  0x25: ['rejected', ['error']],
  0x26: ['released', []],
  0x27: ['modified', ['delivery-failed', 'undeliverable-here', 'message-annotations']],
  0x28: ['source', ['address', 'durable', 'expiry-policy', 'timeout', 'dynamic', 'dynamic-node-properties', 'distribution-mode', 'filter', 'default-outcome', 'outcomes', 'capabilities']],
  0x29: ['target', ['address', 'durable', 'expiry-policy', 'timeout', 'dynamic', 'dynamic-node-properties', 'capabilities']],
  0x40: ['sasl-mechanisms', ['sasl-server-mechanisms']],
  0x41: ['sasl-init', ['mechanism', 'initial-response', 'hostname']],
  0x42: ['sasl-challenge', ['challenge']],
  0x43: ['sasl-response', ['response']],
  0x44: ['sasl-outcome', ['code', 'additional-data']],
};

const FIXED: Record<number, number> = { 0x50: 1, 0x51: 1, 0x52: 1, 0x53: 1, 0x54: 1, 0x55: 1, 0x56: 1, 0x60: 2, 0x61: 2, 0x70: 4, 0x71: 4, 0x72: 4, 0x73: 4, 0x74: 4, 0x80: 8, 0x81: 8, 0x82: 8, 0x83: 8, 0x84: 8, 0x94: 16, 0x98: 16 };
const MAX_BINARY = 64;

/** Bytes as Proton quotes them: printable ASCII as is, the rest `\xNN`, cut after MAX_BINARY. */
export function quoteBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b.subarray(0, MAX_BINARY)) s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return `b"${s}${b.length > MAX_BINARY ? `"... (${b.length} bytes)` : '"'}`;
}

class Cursor {
  constructor(readonly b: Buffer, public at: number) {}
  take(n: number): Buffer {
    if (this.at + n > this.b.length) throw new RangeError(`needs ${n} bytes at ${this.at}`);
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  u8(): number { return this.take(1)[0]!; }
  u32(): number { return this.take(4).readUInt32BE(0); }
}

function fixed(code: number, v: Buffer): string {
  switch (code) {
    case 0x50: case 0x52: case 0x53: return String(v[0]);
    case 0x51: case 0x54: case 0x55: return String(v.readInt8(0));
    case 0x56: return v[0] ? 'true' : 'false';
    case 0x60: return String(v.readUInt16BE(0));
    case 0x61: return String(v.readInt16BE(0));
    case 0x70: return String(v.readUInt32BE(0));
    case 0x71: return String(v.readInt32BE(0));
    case 0x72: return String(v.readFloatBE(0));
    case 0x80: return String(v.readBigUInt64BE(0));
    case 0x81: return String(v.readBigInt64BE(0));
    case 0x82: return String(v.readDoubleBE(0));
    case 0x83: return `@timestamp ${v.readBigInt64BE(0)}`;
    case 0x98: return `UUID(${v.toString('hex')})`;
    default: return `0x${v.toString('hex')}`;
  }
}

function compound(c: Cursor, wide: boolean, open: string, close: string, pairs: boolean): string {
  const size = wide ? c.u32() : c.u8();
  const end = c.at + size;
  const count = wide ? c.u32() : c.u8();
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = value(c);
    if (pairs && i % 2 === 1) items[items.length - 1] += `=${item}`;
    else items.push(item);
  }
  c.at = end;
  return `${open}${items.join(', ')}${close}`;
}

function array(c: Cursor, wide: boolean): string {
  const size = wide ? c.u32() : c.u8();
  const end = c.at + size;
  const count = wide ? c.u32() : c.u8();
  const at = c.at;
  const code = c.u8();
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(body(c, code));
  if (count === 0) c.at = at + 1;
  c.at = end;
  return `@<${code.toString(16)}>[${items.join(', ')}]`;
}

/** One encoded value, its constructor included. */
function value(c: Cursor): string {
  const code = c.u8();
  if (code !== 0x00) return body(c, code);
  const descriptor = c.u8();
  const id = descriptor === 0x53 ? c.u8() : descriptor === 0x80 ? Number(c.take(8).readBigUInt64BE(0)) : undefined;
  if (id === undefined) return `@${body(c, descriptor)} ${value(c)}`;
  const known = DESCRIBED[id];
  const start = c.at;
  const first = c.u8();
  if (!known || ![0x45, 0xc0, 0xd0].includes(first)) {
    c.at = start;
    return `@${known?.[0] ?? `0x${id.toString(16)}`}(${id}) ${value(c)}`;
  }
  const fields: string[] = [];
  if (first !== 0x45) {
    const wide = first === 0xd0;
    const size = wide ? c.u32() : c.u8();
    const end = c.at + size;
    const count = wide ? c.u32() : c.u8();
    for (let i = 0; i < count; i++) {
      const v = value(c);
      if (v !== 'null') fields.push(`${known[1][i] ?? `field-${i}`}=${v}`);
    }
    c.at = end;
  }
  return `@${known[0]}(${id}) [${fields.join(', ')}]`;
}

function body(c: Cursor, code: number): string {
  if (code === 0x40) return 'null';
  if (code === 0x41) return 'true';
  if (code === 0x42) return 'false';
  if (code === 0x43 || code === 0x44) return '0';
  if (code === 0x45) return '[]';
  const n = FIXED[code];
  if (n !== undefined) return fixed(code, c.take(n));
  switch (code) {
    case 0xa0: return quoteBytes(c.take(c.u8()));
    case 0xb0: return quoteBytes(c.take(c.u32()));
    case 0xa1: return JSON.stringify(c.take(c.u8()).toString('utf8'));
    case 0xb1: return JSON.stringify(c.take(c.u32()).toString('utf8'));
    case 0xa3: return `:${JSON.stringify(c.take(c.u8()).toString('latin1'))}`;
    case 0xb3: return `:${JSON.stringify(c.take(c.u32()).toString('latin1'))}`;
    case 0xc0: case 0xd0: return compound(c, code === 0xd0, '[', ']', false);
    case 0xc1: case 0xd1: return compound(c, code === 0xd1, '{', '}', true);
    case 0xe0: case 0xf0: return array(c, code === 0xf0);
    default: throw new RangeError(`unknown constructor 0x${code.toString(16)}`);
  }
}

/** A frame body: the performative, then the payload's size and bytes for a transfer (Proton's form). */
export function describeFrameBody(body: Buffer): string {
  if (body.length === 0) return '(EMPTY FRAME)';
  const c = new Cursor(body, 0);
  try {
    const performative = value(c);
    const rest = body.subarray(c.at);
    return rest.length ? `${performative} (${rest.length}) ${quoteBytes(rest)}` : performative;
  } catch (e) {
    return `<undecodable: ${(e as Error).message}> ${quoteBytes(body)}`;
  }
}
