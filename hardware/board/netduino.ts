// One Netduino Plus 2: LED, button, six analog inputs with a temperature and a light sensor, and
// the injected clock. Firmware (device-emulator/) reads the board only through this object.
import type { Clock } from '../clock.js';
import { ANALOG_MODEL, AnalogInputs } from './analog.js';
import { Button } from './button.js';
import { Led } from './led.js';
import { NETDUINO_PLUS_2, type BoardProfile } from './profile.js';
import { codeToVolts, voltsToCelsius, voltsToLux } from './sensors.js';

export interface BoardOptions {
  clock: Clock;
  /** Seeds the sensor noise model: same seed, same readings. */
  seed: number;
  blinkHalfPeriodMs?: number;
}

export class NetduinoPlus2 {
  readonly profile: BoardProfile = NETDUINO_PLUS_2;
  readonly clock: Clock;
  readonly led: Led;
  readonly button: Button;
  readonly analog: AnalogInputs;

  constructor(options: BoardOptions) {
    this.clock = options.clock;
    this.led = new Led(options.clock, options.blinkHalfPeriodMs);
    this.button = new Button(options.clock);
    this.analog = new AnalogInputs(options.clock, options.seed);
  }

  /** Reads A0 and converts as firmware would: °C, rounded to 0.1. */
  readTemperature(): number {
    const volts = codeToVolts(this.analog.read(ANALOG_MODEL.temperature.pin));
    return Math.round(voltsToCelsius(volts) * 10) / 10;
  }

  /** Reads A1 and converts as firmware would: lux, rounded to 1 (a saturated ADC reads 100 000). */
  readLight(): number {
    return Math.round(Math.min(100_000, voltsToLux(codeToVolts(this.analog.read(ANALOG_MODEL.light.pin)))));
  }
}
