// The six analog inputs A0..A5 and the noise model that makes their readings move.
//
//   volts(pin, t) = signal(pin, t) + sigma(pin) · g        g from the board's seeded PRNG
//   code          = quantise(volts)                        12 bits, see sensors.ts
//
// A0: temperature  signal = celsiusToVolts(22 + 3·sin(2π·t/1 h + φ0))        sigma 2 mV
// A1: light        signal = luxToVolts(300·(1 + 0.6·sin(2π·t/10 min + φ1)))  sigma 5 mV
// A2..A5: nothing connected: 0 V, or what drive(pin, volts) applies           sigma 2 mV
//
// The phases φ come from the seed's second stream, so the drift depends only on the time; the
// noise g depends on the order of reads. Same seed and the same reads at the same times give
// the same codes.
import { deriveSeed, mulberry32, type Random } from '../random.js';
import type { Clock } from '../clock.js';
import { celsiusToVolts, luxToVolts, quantise } from './sensors.js';
import { NETDUINO_PLUS_2 } from './profile.js';

export const ANALOG_MODEL = {
  temperature: { pin: 0, meanCelsius: 22, driftCelsius: 3, periodMs: 3_600_000, sigmaVolts: 0.002 },
  light: { pin: 1, meanLux: 300, driftFraction: 0.6, periodMs: 600_000, sigmaVolts: 0.005 },
  unconnected: { sigmaVolts: 0.002 },
} as const;

export type AnalogPin = 0 | 1 | 2 | 3 | 4 | 5;

export class AnalogInputs {
  readonly #noise: Random;
  readonly #phases: [number, number];
  readonly #driven = new Map<AnalogPin, number>();

  constructor(
    private readonly clock: Clock,
    seed: number,
  ) {
    this.#noise = mulberry32(seed);
    const phases = mulberry32(deriveSeed(seed, 1));
    this.#phases = [2 * Math.PI * phases.next(), 2 * Math.PI * phases.next()];
  }

  /** Apply an external voltage to an unconnected pin (A2..A5); undefined disconnects it again. */
  drive(pin: AnalogPin, volts: number | undefined): void {
    if (pin === ANALOG_MODEL.temperature.pin || pin === ANALOG_MODEL.light.pin) {
      throw new RangeError(`A${pin} has a sensor on it; drive A2..A5`);
    }
    if (volts === undefined) this.#driven.delete(pin);
    else this.#driven.set(pin, volts);
  }

  /** The noiseless sensor value at the current time: °C for A0, lux for A1. */
  truth(): { celsius: number; lux: number } {
    const t = this.clock.now();
    const { temperature: T, light: L } = ANALOG_MODEL;
    return {
      celsius: T.meanCelsius + T.driftCelsius * Math.sin((2 * Math.PI * t) / T.periodMs + this.#phases[0]),
      lux: L.meanLux * (1 + L.driftFraction * Math.sin((2 * Math.PI * t) / L.periodMs + this.#phases[1])),
    };
  }

  /** One conversion: the raw 12-bit code (0..4095), like AnalogInput.ReadRaw() in .NET MF. */
  read(pin: AnalogPin): number {
    if (!Number.isInteger(pin) || pin < 0 || pin >= NETDUINO_PLUS_2.analogInputs) throw new RangeError(`no analog input A${pin}`);
    const { temperature, light, unconnected } = ANALOG_MODEL;
    let signal: number;
    let sigma: number;
    if (pin === temperature.pin) [signal, sigma] = [celsiusToVolts(this.truth().celsius), temperature.sigmaVolts];
    else if (pin === light.pin) [signal, sigma] = [luxToVolts(this.truth().lux), light.sigmaVolts];
    else [signal, sigma] = [this.#driven.get(pin) ?? 0, unconnected.sigmaVolts];
    return quantise(signal + sigma * this.#noise.gaussian());
  }
}
