import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/** What a derived key is for; one label per use, so no MAC made for one use verifies for another. */
export type SecretPurpose = 'complaints-cursor' | 'events-cursor' | 'response-cache' | 'idempotency' | 'pii-encryption';

/**
 * A key for one purpose from the gateway's one shared secret (HKDF-SHA256). Instances configured
 * with the same secret derive the same keys, so what one instance signs another accepts.
 */
export function deriveKey(secret: KeyObject, purpose: SecretPurpose): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', secret.export(), Buffer.alloc(0), `complaint-gateway:${purpose}`, 32)));
}
