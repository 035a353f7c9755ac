// The hub's sources of randomness, in one place so that tests and the CLI can swap them
// (DESIGN.md decision 8). Keys are 32 random bytes in base64, like IoT Hub's.
import { randomBytes, randomInt } from 'node:crypto';
import type { RegistrySources } from './store/registry.js';

export function registrySources(now: () => number): RegistrySources {
  return {
    now,
    newKey: () => randomBytes(32).toString('base64'),
    newGenerationId: () => `${now()}${String(randomInt(1e6)).padStart(6, '0')}`,
  };
}
