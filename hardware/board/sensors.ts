// The two sensors wired to the analog inputs and the ADC that reads them: pure formulas, in both
// directions (physical value -> volts -> ADC code, and back, as firmware computes it). The noise
// and drift that make readings move are in analog.ts; hardware/README.md writes all of it down.
import { NETDUINO_PLUS_2 } from './profile.js';

const { vref, adcMax } = NETDUINO_PLUS_2;

/** TMP36-like: 10 mV/°C with 500 mV at 0 °C (so -50 °C reads 0 V). */
export const TMP36 = { offsetVolts: 0.5, voltsPerCelsius: 0.01 } as const;

/**
 * Photoresistor (GL5528-like) from 3.3 V to the pin, fixed 10 kΩ from the pin to ground.
 * R_ldr = r10 · (lux / 10)^(-gamma): brighter light, lower resistance, higher pin voltage.
 */
export const LIGHT_DIVIDER = { fixedOhms: 10_000, r10Ohms: 10_000, gamma: 0.7 } as const;

export function celsiusToVolts(celsius: number): number {
  return TMP36.offsetVolts + TMP36.voltsPerCelsius * celsius;
}

export function voltsToCelsius(volts: number): number {
  return (volts - TMP36.offsetVolts) / TMP36.voltsPerCelsius;
}

export function luxToVolts(lux: number): number {
  const { fixedOhms, r10Ohms, gamma } = LIGHT_DIVIDER;
  const ldrOhms = r10Ohms * Math.pow(Math.max(lux, 1e-3) / 10, -gamma);
  return (vref * fixedOhms) / (fixedOhms + ldrOhms);
}

export function voltsToLux(volts: number): number {
  const { fixedOhms, r10Ohms, gamma } = LIGHT_DIVIDER;
  if (volts <= 0) return 0;
  if (volts >= vref) return Infinity;
  const ldrOhms = fixedOhms * (vref / volts - 1);
  return 10 * Math.pow(ldrOhms / r10Ohms, -1 / gamma);
}

/** The 12-bit ADC: round to the nearest step of vref/4095, clamped to 0..4095. */
export function quantise(volts: number): number {
  return Math.min(adcMax, Math.max(0, Math.round((volts / vref) * adcMax)));
}

export function codeToVolts(code: number): number {
  return (code / adcMax) * vref;
}
