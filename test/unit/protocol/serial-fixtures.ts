// The golden frames of test/fixtures/serial-frames.json (quoted in docs/serial-link.md), as typed
// values, and the hex helpers the serial-link tests share.
import { readFileSync } from 'node:fs';
import type { SerialFrame } from '../../../protocol/serial-frame.js';
import type { SerialFrameErrorCode } from '../../../protocol/serial-frame-error.js';

export const FIXTURE_PATH = new URL('../../fixtures/serial-frames.json', import.meta.url).pathname;

interface FixtureFile {
  frames: { description: string; frame: Record<string, unknown>; hex: string }[];
  errors: { description: string; hex: string; code: SerialFrameErrorCode }[];
}

export const fixture = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as FixtureFile;

/** "00 0A FF" -> bytes */
export function bytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

/** bytes -> "00 0A FF" */
export function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');
}

export const goldenFrames = fixture.frames.map(({ description, frame, hex: wire }) => ({
  description,
  hex: wire,
  frame: (typeof frame.payload === 'string' ? { ...frame, payload: bytes(frame.payload) } : frame) as SerialFrame,
}));

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
