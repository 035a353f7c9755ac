// CRC-16 of the serial link (docs/serial-link.md §4): CRC-16/CCITT-FALSE, catalogued by RevEng as
// CRC-16/IBM-3740. width 16, poly 0x1021, init 0xFFFF, refin false, refout false, xorout 0x0000,
// check 0x29B1 (the CRC of ASCII "123456789"), residue 0x0000: a frame followed by its own CRC
// (big-endian) has CRC 0.
// Contract: pure, table-driven (one lookup per byte). `crc16(bytes, crc)` continues a running CRC,
// so crc16(b, crc16(a)) === crc16(a ‖ b): firmware can compute it while bytes arrive.
export const CRC16 = {
  name: 'CRC-16/CCITT-FALSE',
  poly: 0x1021,
  init: 0xffff,
  xorout: 0x0000,
  check: 0x29b1,
  residue: 0x0000,
} as const;

const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let bit = 0; bit < 8; bit++) c = c & 0x8000 ? (c << 1) ^ CRC16.poly : c << 1;
    table[i] = c & 0xffff;
  }
  return table;
}

/** The CRC-16/CCITT-FALSE of `bytes`, continuing from `crc` (default: the initial value 0xFFFF). */
export function crc16(bytes: Uint8Array, crc: number = CRC16.init): number {
  let c = crc & 0xffff;
  for (let i = 0; i < bytes.length; i++) c = ((c << 8) ^ TABLE[((c >>> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return c ^ CRC16.xorout;
}
