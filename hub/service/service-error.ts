// What the service-side clients (event-hub-reader.ts, c2d-client.ts) throw: one class, a stable
// `code`, a message that says what to fix. Mapping AMQP conditions, CBS status codes and socket
// errors to these codes happens only here (STYLE.md: one conversion function per edge).
export type ServiceErrorCode =
  | 'unreachable' // DNS, refused, timed out: nothing AMQP answered
  | 'tls' // the server's certificate was not trusted or does not name the host
  | 'unauthorized' // a SAS token was refused (401, amqp:unauthorized-access)
  | 'not-found' // the entity, partition, consumer group or device does not exist
  | 'rejected' // the hub refused a message or request for another reason
  | 'timeout' // no answer in time
  | 'disconnected'; // the connection or a link went away

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }

  /** Whether a reconnect may cure it (a wrong key or a missing entity will not). */
  get retryable(): boolean {
    return this.code !== 'unauthorized' && this.code !== 'not-found' && this.code !== 'tls';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
const TLS_HINT = 'pass --ca <pem> with the CA that signed the hub certificate (the local hub writes it as caFile in connection-strings.json)';

/** A socket-level error (from rhea's `disconnected` event) as a ServiceError naming `target`. */
export function fromSocketError(error: unknown, target: string): ServiceError {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const text = error === undefined ? '' : ((error as Error).message ?? String(error));
  if (UNREACHABLE.has(code)) return new ServiceError('unreachable', `cannot reach ${target} (${code}): check the host name and port, and that the hub is running`, { cause: error });
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|ERR_TLS|ERR_SSL/i.test(code) || /certificate/i.test(text)) {
    return new ServiceError('tls', `TLS with ${target} failed: ${text}; ${TLS_HINT}`, { cause: error });
  }
  return new ServiceError('disconnected', `connection to ${target} lost: ${text || 'closed by the peer'}`, { cause: error });
}

/** An AMQP error (link or connection close, rejected outcome) as a ServiceError. */
export function fromAmqpError(error: unknown, what: string): ServiceError {
  const e = (error ?? {}) as { condition?: unknown; description?: unknown };
  const condition = typeof e.condition === 'string' ? e.condition : 'no condition';
  const description = typeof e.description === 'string' && e.description ? `: ${e.description}` : '';
  const text = `${what} (${condition}${description})`;
  switch (condition) {
    case 'amqp:unauthorized-access':
      return new ServiceError('unauthorized', `${text}: check SharedAccessKeyName and SharedAccessKey (the policy needs ServiceConnect)`);
    case 'amqp:not-found':
    case 'com.microsoft:iot-hub-not-found-error':
      return new ServiceError('not-found', text);
    case 'com.microsoft:timeout':
      return new ServiceError('timeout', text);
    case 'amqp:connection:forced':
    case 'amqp:link:detach-forced':
    case 'amqp:link:stolen':
    case 'com.microsoft:server-busy':
    case 'amqp:internal-error':
    case 'no condition':
      return new ServiceError('disconnected', text);
    default:
      return new ServiceError('rejected', text);
  }
}

/** A request/response status code (CBS put-token, $management) as a ServiceError, or undefined for 2xx. */
export function fromStatusCode(status: unknown, description: unknown, what: string): ServiceError | undefined {
  if (typeof status === 'number' && status >= 200 && status < 300) return undefined;
  const text = `${what}: ${String(status)}${typeof description === 'string' && description ? ` ${description}` : ''}`;
  if (status === 401) return new ServiceError('unauthorized', `${text}: check SharedAccessKeyName and SharedAccessKey in the connection string`);
  if (status === 404) return new ServiceError('not-found', text);
  if (status === 408 || status === 503) return new ServiceError('timeout', text);
  return new ServiceError('rejected', text);
}
