const AUTHORIZATION_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** The five-line request signing string (spec 5.1); every line ends in `\n`, the last included. */
export function requestSigningMessage(method: string, target: string, timestamp: number, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${target}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** The three-line answer/notification verification string (spec 5.2). */
export function responseSigningMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export interface AuthorizationFields {
  mchid: string;
  nonce: string;
  signature: string;
  timestamp: number;
  serialNo: string;
}

export function formatAuthorization(fields: AuthorizationFields): string {
  const { mchid, nonce, signature, timestamp, serialNo } = fields;
  return `${AUTHORIZATION_SCHEME} mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serialNo}"`;
}
