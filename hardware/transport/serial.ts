// A serial port through serialport 13: a real board (/dev/ttyACM0, /dev/ttyUSB0, COM3) or one end
// of a socat pty pair. Raw 8N1, no flow control, like the Netduino's USART. A pty ignores the
// baud rate; a real port runs at it.
import { SerialPort } from 'serialport';
import type { Duplex } from 'node:stream';
import type { Transport } from './transport.js';
import { NETDUINO_PLUS_2 } from '../board/profile.js';

export interface SerialTransportOptions {
  path: string;
  /** Default NETDUINO_PLUS_2.serialBaud (115200). */
  baudRate?: number;
}

export function serialTransport(options: SerialTransportOptions): Transport {
  const { path, baudRate = NETDUINO_PLUS_2.serialBaud } = options;
  return {
    describe: () => `serial ${path} @${baudRate}`,
    open: () =>
      new Promise<Duplex>((resolve, reject) => {
        const port = new SerialPort({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false, autoOpen: false });
        // Ports are locked exclusively: a second open of the same path fails here, with the reason.
        port.open((error) => (error ? reject(error) : resolve(port)));
      }),
  };
}

export interface SerialPortListing {
  ports: { path: string; manufacturer?: string; serialNumber?: string; vendorId?: string; productId?: string }[];
  /** Why the list is empty when listing itself failed (no udevadm in containers), else undefined. */
  unavailable?: string;
}

/** The serial ports the OS knows. Never rejects: SerialPort.list() shells out to udevadm, which
 * is missing in many containers; then the list is empty and `unavailable` says why. */
export async function listSerialPorts(): Promise<SerialPortListing> {
  try {
    return { ports: await SerialPort.list() };
  } catch (error) {
    return { ports: [], unavailable: `cannot list serial ports: ${(error as Error).message}` };
  }
}
