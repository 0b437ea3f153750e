/**
 * Fields whose resolvers may call a provider (once per selection, before caching): what an
 * operation costs against the providers' per-minute budgets (use-upstream-cost.ts), and the
 * resolvers that get a span of their own (resolver-tracing-plugin.ts). Every mutation field counts too.
 */
export const UPSTREAM_FIELDS: ReadonlySet<string> = new Set([
  'Query.complaint',
  'Query.node',
  'Query.nodes',
  'Query.complaints',
  'Complaint.negotiationHistory',
  // Fetches the detail when the complaint came from a list page.
  'Complaint.payerOpenid',
  'Merchant.notificationUrl',
  'ComplaintEvent.complaint',
]);
