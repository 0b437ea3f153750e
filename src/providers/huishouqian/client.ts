import type { KeyObject } from 'node:crypto';
import got, { HTTPError } from 'got';
import type { z } from 'zod';
import { ProviderError } from '../../domain/errors.js';
import type { Clock } from '../http/clock.js';
import { createQuota } from '../http/quota.js';
import { NO_RETRY, readRetryPolicy } from '../http/retry.js';
import { mayHaveBeenApplied, outcomeUnknown, transportError } from '../http/to-provider-error.js';
import { endpointPath, HUISHOUQIAN_ENDPOINTS, type HuishouqianEndpointName, type HuishouqianUrlShape } from './endpoints.js';
import { SUCCESS_CODES, toDomainError } from './error-codes.js';
import { requestSignString, responseSignString, type RequestEnvelope } from './protocol/envelope.js';
import type { SignatureScheme } from './protocol/signer.js';
import { answerEnvelopeSchema, commitResultSchema } from './wire.js';

export interface HuishouqianClientOptions {
  baseUrl: string;
  merchantNo: string;
  privateKey: KeyObject;
  signKey: string;
  platformPublicKey: KeyObject;
  scheme: SignatureScheme;
  clock: Clock;
  timeoutMs?: number;
  readRetries?: number;
  /** Huishouqian publishes no limit; this keeps a runaway loop from hammering it. */
  perMinute?: number;
  onRequest?: (endpoint: HuishouqianEndpointName) => void;
  /** Default `per-method`, as documented. */
  urlShape?: HuishouqianUrlShape;
}

const PROVIDER = 'HUISHOUQIAN';

function malformed(what: string): ProviderError {
  return new ProviderError(`Huishouqian ${what}`, { provider: PROVIDER, providerCode: 'MALFORMED_ANSWER', httpStatus: 200, retryable: false });
}

// Answers to a write that leave it applied or not: unreadable, unverifiable, or "result unknown" (130001, 000001).
const UNSURE_ANSWERS: ReadonlySet<string> = new Set(['MALFORMED_ANSWER', 'SIGNATURE_MISMATCH', '130001', '000001']);

export type HuishouqianClient = ReturnType<typeof createHuishouqianClient>;

/** Signs the envelope, posts it form-encoded, verifies the answer's sign before reading `result`. */
export function createHuishouqianClient(options: HuishouqianClientOptions) {
  const { merchantNo, privateKey, signKey, platformPublicKey, scheme, timeoutMs = 10_000, readRetries = 2, onRequest, urlShape = 'per-method' } = options;
  const quota = createQuota({ limit: options.perMinute ?? 600, intervalMs: 60_000, maxQueueMs: 10_000, clock: options.clock });

  /** Verifies and reads one answer; throws the domain error an error answer stands for. */
  function readAnswer<T extends z.ZodType>(name: HuishouqianEndpointName, text: string, schema: T): z.infer<T> {
    const endpoint = HUISHOUQIAN_ENDPOINTS[name];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw malformed('answer is not JSON');
    }
    const answer = answerEnvelopeSchema.safeParse(json);
    if (!answer.success) throw malformed('answer envelope is malformed');
    const { success, result, errorCode, errorMsg, sign } = answer.data;
    // Nothing of an answer is read before its sign verifies, error answers included.
    if (!sign || !scheme.verify(responseSignString({ success, result: result ?? null, errorCode: errorCode ?? null, errorMsg: errorMsg ?? null }, signKey), sign, platformPublicKey)) {
      throw new ProviderError('Huishouqian answer signature does not verify', { provider: PROVIDER, providerCode: 'SIGNATURE_MISMATCH', httpStatus: 200, retryable: false });
    }
    if (!success) throw toDomainError(errorCode ?? null, errorMsg ?? null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(result ?? '');
    } catch {
      throw malformed('result is not JSON');
    }
    const commit = endpoint.changesState && name !== 'uploadFile' ? commitResultSchema.safeParse(parsed) : null;
    if (commit?.success && !SUCCESS_CODES.has(commit.data.respCode)) throw toDomainError(commit.data.respCode, commit.data.respDesc ?? null);
    const data = schema.safeParse(parsed);
    if (!data.success) throw malformed(`${name} result has an unexpected shape`);
    return data.data;
  }

  async function call<T extends z.ZodType>(name: HuishouqianEndpointName, business: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
    const endpoint = HUISHOUQIAN_ENDPOINTS[name];
    const envelope: RequestEnvelope = { method: endpoint.method, version: '1.0', format: 'JSON', merchantNo, signType: scheme.signType, signContent: JSON.stringify({ merchantNo, ...business }) };
    const form = new URLSearchParams({ ...envelope, sign: scheme.sign(requestSignString(envelope, signKey), privateKey) });
    await quota.acquire(`${merchantNo}:${name}`);
    let text: string;
    try {
      const response = await got.post(`${options.baseUrl}${endpointPath(name, urlShape)}`, {
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        timeout: { request: timeoutMs },
        retry: endpoint.changesState ? NO_RETRY : readRetryPolicy({ limit: readRetries, maxDelayMs: 5_000, methods: ['POST'] }),
        hooks: { beforeRequest: [() => onRequest?.(name)] },
        followRedirect: false,
      });
      text = response.body;
    } catch (error) {
      if (endpoint.changesState && mayHaveBeenApplied(error)) throw outcomeUnknown(PROVIDER, error);
      if (error instanceof HTTPError) {
        throw new ProviderError(`Huishouqian answered HTTP ${error.response.statusCode}`, { provider: PROVIDER, providerCode: null, httpStatus: error.response.statusCode, retryable: error.response.statusCode >= 500 || error.response.statusCode === 429 });
      }
      throw transportError(error, PROVIDER);
    }
    try {
      return readAnswer(name, text, schema);
    } catch (error) {
      if (endpoint.changesState && error instanceof ProviderError && UNSURE_ANSWERS.has(error.providerCode ?? '')) throw outcomeUnknown(PROVIDER, error);
      throw error;
    }
  }

  return { merchantNo, call };
}
