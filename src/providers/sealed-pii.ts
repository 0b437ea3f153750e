import type { PiiCipher } from '../crypto/pii-cipher.js';
import type { Complaint, SealedPii } from '../domain/complaint.js';
import type { ComplaintProvider } from './provider.js';

/**
 * A sealed field of a complaint, in clear. A value this process's key cannot open was sealed under
 * another key (another instance's per-process key, or before `pii.encryptionKey` changed) and came
 * from the shared cache: the complaint is read again from the provider, which this key seals. Like a
 * cache miss, it costs one call and is never an error for the caller.
 */
export async function revealSealed(
  pii: PiiCipher,
  complaint: Complaint,
  field: (complaint: Complaint) => SealedPii | null,
  provider: Pick<ComplaintProvider, 'getComplaint'>,
): Promise<string | null> {
  const sealed = field(complaint);
  if (sealed === null) return null;
  const opened = pii.open(sealed);
  if (opened !== null) return opened;
  const fresh = field(await provider.getComplaint(complaint.key.complaintId));
  return fresh === null ? null : pii.open(fresh);
}
