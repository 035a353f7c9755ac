// Ports checked before anything starts: each one the demo will listen on, bound and released on
// the interface its program uses, so "in use" is found before a hub or a gateway is half up.
import { createServer } from 'node:net';

export interface PortClaim {
  port: number;
  /** The interface the program binds: undefined = every interface (the hub, the gateway). */
  host: string | undefined;
  /** What listens there, e.g. 'the gateway (plain AMQP for the boards)'. */
  what: string;
  /** The option that changes it, e.g. '--gateway-port'. */
  option: string;
}

/** Resolves with the system error code when `port` cannot be listened on (EADDRINUSE, EACCES), else undefined. */
export function probePort(port: number, host: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export function portProblem(claim: PortClaim, code: string): string {
  const where = claim.host ?? 'every interface';
  const reason = code === 'EADDRINUSE' ? 'is in use by another program' : code === 'EACCES' ? 'needs privileges this user lacks' : `cannot be listened on (${code})`;
  return `port ${claim.port} ${reason} (${where}): the demo needs it for ${claim.what}. Stop that program or choose another port with ${claim.option} <n>`;
}

/** One message per claim that cannot be listened on (ports 0 are always free); empty when all are. */
export async function checkPorts(claims: readonly PortClaim[]): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<number, PortClaim>();
  for (const claim of claims) {
    if (claim.port === 0) continue;
    const twin = seen.get(claim.port);
    if (twin) {
      problems.push(`port ${claim.port} is given twice: ${twin.option} and ${claim.option} must differ`);
      continue;
    }
    seen.set(claim.port, claim);
    const code = await probePort(claim.port, claim.host);
    if (code !== undefined) problems.push(portProblem(claim, code));
  }
  return problems;
}
