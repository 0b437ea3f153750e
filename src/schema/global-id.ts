import { complaintKeyToString, parseComplaintKey, parseMerchantKey, type ComplaintKey, type MerchantKey } from '../domain/complaint-key.js';
import { ValidationError } from '../domain/errors.js';

/** The node types that have global ids, and how their ids are written and read. */
const NODE_TYPES = ['Complaint', 'Merchant'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

const MAX_ID_CHARS = 512;

/** base64url(`Typename:PROVIDER:merchantNo[:complaintId]`): opaque to clients, readable in logs. */
export function encodeGlobalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

/**
 * Strict: only the canonical encoding of a known type with a well-formed key decodes; anything else
 * (forged, truncated, re-padded, another type's id) is a ValidationError on `field`, never a crash.
 */
export function decodeGlobalId(globalId: string, field = 'id'): { typename: NodeTypeName; id: string } {
  const invalid = (): ValidationError => new ValidationError(`${field} is not a valid id`, field);
  if (globalId.length > MAX_ID_CHARS || !/^[A-Za-z0-9_-]+$/.test(globalId)) throw invalid();
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  if (Buffer.from(text).toString('base64url') !== globalId) throw invalid();
  const separator = text.indexOf(':');
  const typename = text.slice(0, separator);
  const id = text.slice(separator + 1);
  if (separator < 0 || !(NODE_TYPES as readonly string[]).includes(typename)) throw invalid();
  try {
    if (typename === 'Complaint') parseComplaintKey(id);
    else parseMerchantKey(id);
  } catch {
    throw invalid();
  }
  return { typename: typename as NodeTypeName, id };
}

export function complaintGlobalId(key: ComplaintKey): string {
  return encodeGlobalId('Complaint', complaintKeyToString(key));
}

function expect(globalId: string, typename: NodeTypeName, field: string): string {
  const decoded = decodeGlobalId(globalId, field);
  if (decoded.typename !== typename) throw new ValidationError(`${field} is not a ${typename} id`, field);
  return decoded.id;
}

export function decodeComplaintId(globalId: string, field = 'id'): ComplaintKey {
  return parseComplaintKey(expect(globalId, 'Complaint', field));
}

export function decodeMerchantId(globalId: string, field = 'merchantId'): MerchantKey {
  return parseMerchantKey(expect(globalId, 'Merchant', field));
}
