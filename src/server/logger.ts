import { pino, type Logger, type DestinationStream } from 'pino';
import { currentRequestScope } from '../observability/request-scope.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type { Logger };

export interface LoggerOptions {
  level: LogLevel;
  /** Default: stdout. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
}

/**
 * Every path where a secret or PII could reach a log line, whatever object carries it: keys and
 * tokens by their config and wire names, Authorization headers of requests we make or receive,
 * and the payer's phone. `*` matches one level, so each name is listed at a few depths.
 */
const SECRET_NAMES = [
  'privateKey',
  'privateKeyPem',
  'apiV3Key',
  'api_v3_key',
  'signKey',
  'sign_key',
  'token',
  'accessToken',
  'mediaToken',
  'tokenSecret',
  'password',
  'payerPhone',
  'payer_phone',
  'userPhone',
];
const HEADER_NAMES = ['authorization', 'Authorization', 'cookie', 'x-api-key'];

function redactionPaths(): string[] {
  const paths: string[] = [];
  for (const name of SECRET_NAMES) paths.push(name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`);
  for (const name of HEADER_NAMES) {
    paths.push(`headers.${name}`, `*.headers.${name}`, `*.*.headers.${name}`, `options.headers.${name}`);
  }
  return paths;
}

export const REDACTED = '[REDACTED]';

export function createLogger(options: LoggerOptions): Logger {
  const { level, destination } = options;
  const config = {
    level,
    redact: { paths: redactionPaths(), censor: REDACTED },
    base: { service: 'complaint-gateway' },
    // Every line written while a request runs names it: its id is on the answer (x-request-id).
    mixin: () => {
      const scope = currentRequestScope();
      if (scope === undefined) return {};
      return scope.traceId === undefined ? { reqId: scope.id } : { reqId: scope.id, traceId: scope.traceId };
    },
  };
  return destination === undefined ? pino(config) : pino(config, destination);
}
