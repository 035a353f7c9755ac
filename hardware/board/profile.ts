// The Netduino Plus 2 as firmware must respect it. The figures and why they fit a board with about
// 100 KB of free managed heap are in hardware/README.md ("Board profile").
export const NETDUINO_PLUS_2 = {
  name: 'Netduino Plus 2',
  mcu: 'STM32F405RG',
  cpuMHz: 168,
  ramBytes: 192 * 1024,
  /** Managed heap left to the application by .NET Micro Framework 4.3 with the network stack up. */
  freeRamBytes: 100 * 1024,
  /** AMQP max-frame-size the device advertises (AMQP 1.0 §2.7.1: at least 512). */
  maxFrameSize: 2048,
  /** Unsettled telemetry messages kept for resending; the oldest is dropped when full. */
  outboxCapacity: 32,
  /** Largest encoded AMQP message (body + properties) the firmware builds or accepts. */
  maxMessageSize: 1024,
  serialBaud: 115200,
  analogInputs: 6,
  adcBits: 12,
  adcMax: 4095,
  vref: 3.3,
} as const;

export type BoardProfile = typeof NETDUINO_PLUS_2;
