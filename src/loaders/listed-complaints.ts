import { complaintKeyToString, type ComplaintKey } from '../domain/complaint-key.js';
import type { Complaint } from '../domain/complaint.js';

/**
 * The complaints this request's lists returned. Root fields of one operation run concurrently, so
 * a `complaint(id)` may be asked while the list that contains it is still loading: the detail
 * loader waits for the lists in flight and takes their complaints instead of fetching again.
 */
export interface ListedComplaints {
  track(loading: Promise<unknown>): void;
  add(complaints: readonly Complaint[]): void;
  /** Resolves when every list load started so far has settled. */
  settled(): Promise<void>;
  get(key: ComplaintKey): Complaint | undefined;
  /** Whether this object came from a list (lists omit some detail-only fields). */
  isListItem(complaint: Complaint): boolean;
  /** After a write: the listed copy shows the old state. */
  forget(key: ComplaintKey): void;
}

export function createListedComplaints(): ListedComplaints {
  const inFlight = new Set<Promise<unknown>>();
  const byKey = new Map<string, Complaint>();
  const listItems = new WeakSet<Complaint>();
  return {
    track(loading) {
      const settled = loading.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
    },
    add(complaints) {
      for (const complaint of complaints) {
        byKey.set(complaintKeyToString(complaint.key), complaint);
        listItems.add(complaint);
      }
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    get: (key) => byKey.get(complaintKeyToString(key)),
    isListItem: (complaint) => listItems.has(complaint),
    forget: (key) => {
      byKey.delete(complaintKeyToString(key));
    },
  };
}
