// Which partition a device's telemetry goes to. IoT Hub hashes the device id (the exact hash is
// not published, reference/iot-hub-amqp.md §6.4); any stable hash keeps one device's events in
// order in one partition. FNV-1a (32-bit) over the id's UTF-8 bytes.
export function partitionOf(deviceId: string, partitionCount: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(deviceId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitionCount;
}
