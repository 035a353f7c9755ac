// A bounds check of AMQP 1.0 type encodings (AMQP 1.0 §1.6; constructor table in qdrouterd.md
// §6.b's sources), run on every performative before rhea decodes it. rhea 3.0.5 trusts the sizes
// and counts it reads: one Open from the Proton fuzz corpus declares an array32 of ~4 billion
// elements inside a 144-byte frame and rhea loops on it until the process runs out of memory.
// This walk allocates nothing and touches each byte at most once; it rejects a size or count that
// cannot fit in its enclosing value, an unknown constructor, an odd map count, nesting deeper than
// MAX_DEPTH and more than MAX_EMPTY_ELEMENTS zero-width array elements (which cost rhea an object
// each but no bytes). Pure: bytes in, end offset out or EncodingError.
export class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

const MAX_DEPTH = 32;
const MAX_EMPTY_ELEMENTS = 256;

/** Width in bytes of each fixed-width constructor's value. */
const FIXED = new Map<number, number>([
  [0x40, 0], [0x41, 0], [0x42, 0], [0x43, 0], [0x44, 0], [0x45, 0],
  [0x50, 1], [0x51, 1], [0x52, 1], [0x53, 1], [0x54, 1], [0x55, 1], [0x56, 1],
  [0x60, 2], [0x61, 2],
  [0x70, 4], [0x71, 4], [0x72, 4], [0x73, 4], [0x74, 4],
  [0x80, 8], [0x81, 8], [0x82, 8], [0x83, 8], [0x84, 8],
  [0x94, 16], [0x98, 16],
]);

function need(offset: number, end: number, what: string): number {
  if (offset > end) throw new EncodingError(`${what} runs past the end of its enclosing value`);
  return offset;
}

/** Reads one encoded value (constructor included) at `p`; returns the offset after it. */
export function checkValue(b: Uint8Array, p: number, end: number, depth = 0): number {
  if (depth > MAX_DEPTH) throw new EncodingError(`values nested deeper than ${MAX_DEPTH}`);
  need(p + 1, end, 'a constructor');
  const code = b[p]!;
  if (code !== 0x00) return checkBody(code, b, p + 1, end, depth);
  const afterDescriptor = checkValue(b, p + 1, end, depth + 1);
  return checkValue(b, afterDescriptor, end, depth + 1);
}

const u32 = (b: Uint8Array, p: number): number => ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;

/** Reads the value of constructor `code` (its constructor byte already read) at `p`. */
function checkBody(code: number, b: Uint8Array, p: number, end: number, depth: number): number {
  const fixed = FIXED.get(code);
  if (fixed !== undefined) return need(p + fixed, end, `a value of type 0x${code.toString(16)}`);
  switch (code) {
    case 0xa0: case 0xa1: case 0xa3:
      need(p + 1, end, 'a size');
      return need(p + 1 + b[p]!, end, 'a binary, string or symbol');
    case 0xb0: case 0xb1: case 0xb3:
      need(p + 4, end, 'a size');
      return need(p + 4 + u32(b, p), end, 'a binary, string or symbol');
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xe0: case 0xf0:
      return checkCompound(code, b, p, end, depth);
    default:
      throw new EncodingError(`unknown type constructor 0x${code.toString(16)}`);
  }
}

function checkCompound(code: number, b: Uint8Array, p: number, end: number, depth: number): number {
  const wide = code >= 0xd0 && code !== 0xe0;
  const width = wide ? 4 : 1;
  need(p + 2 * width, end, 'a size and count');
  const size = wide ? u32(b, p) : b[p]!;
  const stop = need(p + width + size, end, 'a list, map or array');
  const count = wide ? u32(b, p + width) : b[p + width]!;
  let q = need(p + 2 * width, stop, 'a count');
  if (code === 0xc1 || code === 0xd1) {
    if (count % 2 !== 0) throw new EncodingError('a map with an odd number of elements');
  }
  if (code === 0xe0 || code === 0xf0) {
    need(q + 1, stop, 'an array constructor');
    let element = b[q++]!;
    if (element === 0x00) {
      q = checkValue(b, q, stop, depth + 1);
      need(q + 1, stop, 'an array constructor');
      element = b[q++]!;
    }
    if (FIXED.get(element) === 0 ? count > MAX_EMPTY_ELEMENTS : count > stop - q) throw new EncodingError(`an array of ${count} elements cannot fit in ${stop - q} bytes`);
    for (let i = 0; i < count; i++) q = checkBody(element, b, q, stop, depth + 1);
    return stop;
  }
  if (count > stop - q) throw new EncodingError(`${count} elements cannot fit in ${stop - q} bytes`);
  for (let i = 0; i < count; i++) q = checkValue(b, q, stop, depth + 1);
  return stop;
}
