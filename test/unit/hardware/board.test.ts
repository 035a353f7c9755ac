// The Netduino Plus 2 model (hardware/board/): seeded readings, ranges, LED and button.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetduinoPlus2 } from '../../../hardware/board/netduino.js';
import { NETDUINO_PLUS_2 } from '../../../hardware/board/profile.js';
import { celsiusToVolts, codeToVolts, luxToVolts, quantise, voltsToCelsius, voltsToLux } from '../../../hardware/board/sensors.js';
import type { AnalogPin } from '../../../hardware/board/analog.js';
import { SimulatedScheduler } from '../../../hardware/simulated-scheduler.js';
import { mulberry32 } from '../../../hardware/random.js';

const PINS: AnalogPin[] = [0, 1, 2, 3, 4, 5];

/** Reads every pin once a minute for `minutes` simulated minutes. */
function sample(seed: number, minutes: number): number[] {
  const clock = new SimulatedScheduler();
  const board = new NetduinoPlus2({ clock, seed });
  const codes: number[] = [];
  for (let i = 0; i < minutes; i++) {
    for (const pin of PINS) codes.push(board.analog.read(pin));
    clock.advance(60_000);
  }
  return codes;
}

test('GIVEN the same seed WHEN two boards are read at the same times THEN every reading is identical', () => {
  assert.equal(sample(42, 120), sample(42, 120));
});

test('GIVEN different seeds WHEN read at the same times THEN the readings differ', () => {
  const a = sample(42, 60);
  const b = sample(43, 60);
  assert.ok(a.filter((code, i) => code !== b[i]).length > a.length / 2);
});

test('GIVEN a day of readings THEN every code is a 12-bit integer and the sensors stay in their modelled range', () => {
  const clock = new SimulatedScheduler();
  const board = new NetduinoPlus2({ clock, seed: 7 });
  for (let minute = 0; minute < 24 * 60; minute++) {
    for (const pin of PINS) {
      const code = board.analog.read(pin);
      assert.ok(Number.isInteger(code) && code >= 0 && code <= 4095, `A${pin} read ${code}`);
    }
    const celsius = board.readTemperature();
    // 22 ± 3 °C drift, noise bounded by 2√3 · 2 mV = 0.69 °C, quantisation 0.04 °C.
    assert.ok(celsius > 18.2 && celsius < 25.8, `temperature ${celsius}`);
    const lux = board.readLight();
    assert.ok(lux > 90 && lux < 560, `light ${lux}`);
    clock.advance(60_000);
  }
});

test('GIVEN the temperature drift WHEN averaged per minute over an hour THEN it moves slowly yet spans its full range', () => {
  const clock = new SimulatedScheduler();
  const board = new NetduinoPlus2({ clock, seed: 3 });
  const minuteMeans: number[] = [];
  for (let minute = 0; minute < 60; minute++) {
    let sum = 0;
    for (let s = 0; s < 60; s++) {
      sum += board.readTemperature();
      clock.advance(1000);
    }
    minuteMeans.push(sum / 60);
  }
  for (let i = 1; i < 60; i++) assert.ok(Math.abs(minuteMeans[i]! - minuteMeans[i - 1]!) < 0.5, `minute ${i}`);
  assert.ok(Math.max(...minuteMeans) - Math.min(...minuteMeans) > 5, 'an hour is one full drift period of ±3 °C');
});

test('GIVEN the sensor formulas THEN TMP36 and the light divider convert both ways through the ADC', () => {
  assert.is(celsiusToVolts(0), 0.5);
  assert.is(celsiusToVolts(25), 0.75);
  assert.is(quantise(0.75), 931);
  assert.ok(Math.abs(voltsToCelsius(codeToVolts(931)) - 25) < 0.1);
  assert.ok(Math.abs(luxToVolts(10) - 1.65) < 1e-9, 'at 10 lux the LDR equals the fixed resistor');
  assert.ok(Math.abs(voltsToLux(luxToVolts(300)) - 300) < 1e-6);
  assert.is(quantise(-1), 0);
  assert.is(quantise(5), 4095);
});

test('GIVEN an unconnected pin WHEN an external voltage is driven THEN it reads that voltage within the noise', () => {
  const board = new NetduinoPlus2({ clock: new SimulatedScheduler(), seed: 1 });
  board.analog.drive(3, 1.65);
  const code = board.analog.read(3);
  assert.ok(Math.abs(code - 2048) <= 12, `read ${code}`);
  board.analog.drive(3, undefined);
  assert.ok(board.analog.read(3) <= 12);
  assert.throws(() => board.analog.drive(0, 1), /sensor/);
  assert.throws(() => board.analog.read(6 as AnalogPin), /no analog input A6/);
});

test('GIVEN the LED WHEN set on, blink and off THEN its mode, light and change events follow the clock', () => {
  const clock = new SimulatedScheduler(1000);
  const board = new NetduinoPlus2({ clock, seed: 1, blinkHalfPeriodMs: 250 });
  const changes: string[] = [];
  board.led.onChange((c) => changes.push(`${c.mode}@${c.at}`));
  assert.is(board.led.isLit(), false);
  board.led.set('on');
  board.led.set('on');
  assert.is(board.led.isLit(), true);
  clock.advance(100);
  board.led.set('blink');
  const lit: boolean[] = [];
  for (let i = 0; i < 4; i++) {
    lit.push(board.led.isLit());
    clock.advance(250);
  }
  assert.equal(lit, [true, false, true, false]);
  board.led.set('off');
  assert.is(board.led.isLit(), false);
  assert.equal(changes, ['on@1000', 'blink@1100', 'off@2100']);
});

test('GIVEN the button WHEN pressed twice THEN subscribers get numbered press events stamped by the clock', () => {
  const clock = new SimulatedScheduler(500);
  const board = new NetduinoPlus2({ clock, seed: 1 });
  const presses: string[] = [];
  const unsubscribe = board.button.onPress((p) => presses.push(`${p.count}@${p.at}`));
  board.button.press();
  clock.advance(40);
  board.button.press();
  unsubscribe();
  board.button.press();
  assert.equal(presses, ['1@500', '2@540']);
  assert.is(board.button.presses, 3);
});

test('GIVEN the board profile THEN the outbox and frame buffers fit in the free RAM with room to spare', () => {
  const p = NETDUINO_PLUS_2;
  const worstCase = p.outboxCapacity * p.maxMessageSize + 2 * p.maxFrameSize;
  assert.ok(worstCase <= p.freeRamBytes / 2, `${worstCase} bytes`);
  assert.ok(p.maxFrameSize >= 512, 'AMQP 1.0 §2.7.1: max-frame-size at least 512');
  assert.ok(p.maxMessageSize <= p.maxFrameSize);
});

test('GIVEN mulberry32 THEN the same seed repeats its sequence and gaussian() has mean ~0 and variance ~1', () => {
  const a = mulberry32(99);
  const b = mulberry32(99);
  for (let i = 0; i < 100; i++) assert.is(a.nextUint32(), b.nextUint32());
  const r = mulberry32(5);
  let sum = 0;
  let squares = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const g = r.gaussian();
    sum += g;
    squares += g * g;
  }
  assert.ok(Math.abs(sum / n) < 0.05, `mean ${sum / n}`);
  assert.ok(Math.abs(squares / n - 1) < 0.05, `variance ${squares / n}`);
});

test.run();
