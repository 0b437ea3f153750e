import { timingSafeEqual } from 'node:crypto';
import { hashAccessToken } from '../server/auth/access-tokens.js';

/** Whether a scrape may read `/metrics`: anyone when no token is configured, else only with `Bearer <token>`. */
export function metricsAuthorization(tokenSha256: string | null): (authorization: string | undefined) => boolean {
  if (tokenSha256 === null) return () => true;
  const expected = Buffer.from(tokenSha256, 'hex');
  return (authorization) => {
    const token = /^Bearer[ ]+(\S{1,512})\s*$/i.exec(authorization ?? '')?.[1];
    return token !== undefined && timingSafeEqual(Buffer.from(hashAccessToken(token), 'hex'), expected);
  };
}
