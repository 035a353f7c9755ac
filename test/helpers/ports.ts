// A free TCP port on 127.0.0.1, for a process that must come back on the same port after a restart
// (a hub killed and started again; its clients keep the address). Port 0 everywhere else.
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
