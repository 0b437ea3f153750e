import { verify, type KeyObject } from 'node:crypto';

/**
 * The sandbox's own check of a merchant's APIv3 request signature (spec 5.1). Written apart from the
 * gateway's signer on purpose: a misunderstanding shared by both sides could not hide here.
 */

const SCHEME = 'WECHATPAY2-SHA256-RSA2048';
const FIELDS = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
type AuthorizationField = (typeof FIELDS)[number];
export type ParsedAuthorization = Record<AuthorizationField, string>;

/** Why a request was refused; the message is safe to return (it names no key material). */
export class InboundAuthError extends Error {
  readonly code = 'SIGN_ERROR';
  override readonly name = 'InboundAuthError';
}

/** Five `key="value"` pairs in any order, each exactly once. */
function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || !header.startsWith(`${SCHEME} `)) throw new InboundAuthError('Authorization 头缺失或认证类型错误');
  const pairs = header.slice(SCHEME.length + 1).split(',');
  const found = new Map<string, string>();
  for (const pair of pairs) {
    const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(pair);
    if (match === null || match[1] === undefined || match[2] === undefined || found.has(match[1])) {
      throw new InboundAuthError('Authorization 头格式错误');
    }
    found.set(match[1], match[2]);
  }
  const parsed: Partial<ParsedAuthorization> = {};
  for (const field of FIELDS) {
    const value = found.get(field);
    if (value === undefined || value === '') throw new InboundAuthError(`Authorization 头缺少 ${field}`);
    parsed[field] = value;
  }
  if (found.size !== FIELDS.length) throw new InboundAuthError('Authorization 头含有未知字段');
  return parsed as ParsedAuthorization;
}

/** Nonces seen per merchant inside the timestamp window: a replayed request is refused. */
export class NonceRegistry {
  readonly #seen = new Map<string, number>();

  /** False when (mchid, nonce) was already used; records it otherwise. */
  remember(mchid: string, nonce: string, nowSeconds: number, windowSeconds: number): boolean {
    if (this.#seen.size > 10_000) {
      for (const [key, expires] of this.#seen) if (expires < nowSeconds) this.#seen.delete(key);
    }
    const key = `${mchid}\n${nonce}`;
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires >= nowSeconds) return false;
    this.#seen.set(key, nowSeconds + 2 * windowSeconds);
    return true;
  }

  clear(): void {
    this.#seen.clear();
  }
}

export interface InboundRequest {
  method: string;
  /** The request target exactly as received (path and query, percent-encoding intact). */
  target: string;
  /** The signed body bytes: the raw body, or the meta JSON for an image upload. */
  body: Buffer;
  authorization: string | undefined;
}

export interface VerifyInboundOptions {
  nowSeconds: number;
  windowSeconds: number;
  lookupKey(mchid: string, serialNo: string): KeyObject | undefined;
  nonces: NonceRegistry;
}

/** Returns the authenticated caller mchid, or throws InboundAuthError. */
export function verifyInbound(request: InboundRequest, options: VerifyInboundOptions): string {
  const auth = parseAuthorization(request.authorization);
  const key = options.lookupKey(auth.mchid, auth.serial_no);
  if (key === undefined) throw new InboundAuthError('商户证书序列号有误');
  if (!/^\d{1,12}$/.test(auth.timestamp)) throw new InboundAuthError('timestamp 格式错误');
  if (Math.abs(options.nowSeconds - Number(auth.timestamp)) > options.windowSeconds) throw new InboundAuthError('请求时间戳超出允许范围');
  const message = Buffer.concat([
    Buffer.from(`${request.method}\n${request.target}\n${auth.timestamp}\n${auth.nonce_str}\n`, 'utf8'),
    request.body,
    Buffer.from('\n'),
  ]);
  const signature = Buffer.from(auth.signature, 'base64');
  if (signature.length === 0 || !verify('sha256', message, key, signature)) throw new InboundAuthError('签名错误');
  // Only a correctly signed request consumes its nonce, so garbage cannot block a real one.
  if (!options.nonces.remember(auth.mchid, auth.nonce_str, options.nowSeconds, options.windowSeconds)) {
    throw new InboundAuthError('请求重放');
  }
  return auth.mchid;
}
