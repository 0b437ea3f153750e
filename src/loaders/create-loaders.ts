import type { ComplaintKey } from '../domain/complaint-key.js';
import type { Complaint } from '../domain/complaint.js';
import { createComplaintDetailLoader, createComplaintLoader, type ComplaintLoader, type LoaderDeps } from './complaint-loader.js';
import { createListPageLoader, type ListPageLoader } from './list-page-loader.js';
import { createListedComplaints } from './listed-complaints.js';
import { createNegotiationLoader, type NegotiationLoader } from './negotiation-loader.js';
import { createNotificationUrlLoader, type NotificationUrlLoader } from './notification-url-loader.js';

export interface Loaders {
  /** This request's lists, then cache, then provider. */
  complaint: ComplaintLoader;
  /** Cache, then provider: the full detail view (see `complaintFromList`). */
  complaintDetail: ComplaintLoader;
  /** True for complaints that came from a list page, which lacks detail-only fields. */
  complaintFromList(complaint: Complaint): boolean;
  listPage: ListPageLoader;
  negotiationPage: NegotiationLoader;
  notificationUrl: NotificationUrlLoader;
  /** Drops everything this request memoised about a complaint that was just changed. */
  forgetComplaint(key: ComplaintKey): void;
}

/** Per request (built in createContext): a loader's memo must never outlive one operation. */
export function createLoaders(deps: LoaderDeps): Loaders {
  const listed = createListedComplaints();
  const complaint = createComplaintLoader(deps, listed);
  const listPage = createListPageLoader(deps, complaint, listed);
  const negotiationPage = createNegotiationLoader(deps);
  const complaintDetail = createComplaintDetailLoader(deps);
  return {
    complaint,
    complaintDetail,
    complaintFromList: (value) => listed.isListItem(value),
    listPage,
    negotiationPage,
    notificationUrl: createNotificationUrlLoader(deps),
    forgetComplaint(key) {
      listed.forget(key);
      complaint.clear(key);
      complaintDetail.clear(key);
      // Page memos are keyed by position, not by complaint: a change may move entries anywhere.
      listPage.clearAll();
      negotiationPage.clearAll();
    },
  };
}
