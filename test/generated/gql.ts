/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ComplaintDetail($id: ID!, $historyFirst: Int = 20, $historyAfter: String) {\n  complaint(id: $id) {\n    id\n    provider\n    complaintId\n    state\n    stateRaw\n    complainedAt\n    detail\n    problemDescription\n    problemType\n    userComplaintTimes\n    incomingUserResponse\n    fullyRefunded\n    applyRefundAmount\n    needImmediateService\n    payerOpenid\n    orders {\n      transactionId\n      outTradeNo\n      amount\n    }\n    media {\n      kind\n      urls\n    }\n    merchant {\n      id\n      name\n      capabilities\n    }\n    negotiationHistory(first: $historyFirst, after: $historyAfter) {\n      edges {\n        node {\n          logId\n          operator\n          operateType\n          operatedAt\n          details\n          images\n          message {\n            senderIdentity\n            blocks {\n              __typename\n              ... on TextBlock {\n                text\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.ComplaintDetailDocument,
    "query ComplaintEvents($first: Int, $after: String) {\n  complaintEvents(first: $first, after: $after) {\n    edges {\n      node {\n        notificationId\n        provider\n        actionType\n        providerTime\n        receivedAt\n        merchant {\n          name\n          merchantNo\n        }\n        complaint {\n          id\n          complaintId\n          state\n          incomingUserResponse\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ComplaintEventsDocument,
    "query RecentComplaints($first: Int = 10, $after: String, $filter: ComplaintFilterInput) {\n  complaints(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        provider\n        complaintId\n        state\n        complainedAt\n        detail\n        merchant {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.RecentComplaintsDocument,
    "mutation CompleteComplaint($input: CompleteComplaintInput!) {\n  completeComplaint(input: $input) {\n    __typename\n    ... on CompleteComplaintSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on UnsupportedError {\n      capability\n    }\n  }\n}": typeof types.CompleteComplaintDocument,
    "mutation CreateNotificationUrl($input: SetNotificationUrlInput!) {\n  createNotificationUrl(input: $input) {\n    __typename\n    ... on CreateNotificationUrlSuccess {\n      url\n      merchant {\n        id\n        notificationUrl\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.CreateNotificationUrlDocument,
    "mutation DeleteNotificationUrl($input: DeleteNotificationUrlInput!) {\n  deleteNotificationUrl(input: $input) {\n    __typename\n    ... on DeleteNotificationUrlSuccess {\n      url\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.DeleteNotificationUrlDocument,
    "query Merchants {\n  merchants {\n    id\n    provider\n    merchantNo\n    name\n    capabilities\n    notificationUrl\n  }\n}": typeof types.MerchantsDocument,
    "query ComplaintPayerPhone($id: ID!) {\n  complaint(id: $id) {\n    id\n    payerPhone\n  }\n}": typeof types.ComplaintPayerPhoneDocument,
    "mutation ReplyImmediately($input: ReplyImmediatelyInput!) {\n  replyImmediately(input: $input) {\n    __typename\n    ... on ReplyImmediatelySuccess {\n      logId\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.ReplyImmediatelyDocument,
    "mutation ReplyToComplaint($input: ReplyToComplaintInput!) {\n  replyToComplaint(input: $input) {\n    __typename\n    ... on ReplyToComplaintSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on ValidationError {\n      field\n    }\n    ... on UnsupportedError {\n      capability\n    }\n    ... on ProviderError {\n      provider\n      providerCode\n      httpStatus\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}": typeof types.ReplyToComplaintDocument,
    "mutation UpdateNotificationUrl($input: SetNotificationUrlInput!) {\n  updateNotificationUrl(input: $input) {\n    __typename\n    ... on UpdateNotificationUrlSuccess {\n      url\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.UpdateNotificationUrlDocument,
    "mutation UpdateRefundProgress($input: UpdateRefundProgressInput!) {\n  updateRefundProgress(input: $input) {\n    __typename\n    ... on UpdateRefundProgressSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.UpdateRefundProgressDocument,
    "mutation UploadImage($merchantId: ID!, $file: File!) {\n  uploadImage(merchantId: $merchantId, file: $file) {\n    __typename\n    ... on UploadImageSuccess {\n      mediaId\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on ValidationError {\n      field\n    }\n  }\n}": typeof types.UploadImageDocument,
};
const documents: Documents = {
    "query ComplaintDetail($id: ID!, $historyFirst: Int = 20, $historyAfter: String) {\n  complaint(id: $id) {\n    id\n    provider\n    complaintId\n    state\n    stateRaw\n    complainedAt\n    detail\n    problemDescription\n    problemType\n    userComplaintTimes\n    incomingUserResponse\n    fullyRefunded\n    applyRefundAmount\n    needImmediateService\n    payerOpenid\n    orders {\n      transactionId\n      outTradeNo\n      amount\n    }\n    media {\n      kind\n      urls\n    }\n    merchant {\n      id\n      name\n      capabilities\n    }\n    negotiationHistory(first: $historyFirst, after: $historyAfter) {\n      edges {\n        node {\n          logId\n          operator\n          operateType\n          operatedAt\n          details\n          images\n          message {\n            senderIdentity\n            blocks {\n              __typename\n              ... on TextBlock {\n                text\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.ComplaintDetailDocument,
    "query ComplaintEvents($first: Int, $after: String) {\n  complaintEvents(first: $first, after: $after) {\n    edges {\n      node {\n        notificationId\n        provider\n        actionType\n        providerTime\n        receivedAt\n        merchant {\n          name\n          merchantNo\n        }\n        complaint {\n          id\n          complaintId\n          state\n          incomingUserResponse\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ComplaintEventsDocument,
    "query RecentComplaints($first: Int = 10, $after: String, $filter: ComplaintFilterInput) {\n  complaints(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        provider\n        complaintId\n        state\n        complainedAt\n        detail\n        merchant {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.RecentComplaintsDocument,
    "mutation CompleteComplaint($input: CompleteComplaintInput!) {\n  completeComplaint(input: $input) {\n    __typename\n    ... on CompleteComplaintSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on UnsupportedError {\n      capability\n    }\n  }\n}": types.CompleteComplaintDocument,
    "mutation CreateNotificationUrl($input: SetNotificationUrlInput!) {\n  createNotificationUrl(input: $input) {\n    __typename\n    ... on CreateNotificationUrlSuccess {\n      url\n      merchant {\n        id\n        notificationUrl\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.CreateNotificationUrlDocument,
    "mutation DeleteNotificationUrl($input: DeleteNotificationUrlInput!) {\n  deleteNotificationUrl(input: $input) {\n    __typename\n    ... on DeleteNotificationUrlSuccess {\n      url\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.DeleteNotificationUrlDocument,
    "query Merchants {\n  merchants {\n    id\n    provider\n    merchantNo\n    name\n    capabilities\n    notificationUrl\n  }\n}": types.MerchantsDocument,
    "query ComplaintPayerPhone($id: ID!) {\n  complaint(id: $id) {\n    id\n    payerPhone\n  }\n}": types.ComplaintPayerPhoneDocument,
    "mutation ReplyImmediately($input: ReplyImmediatelyInput!) {\n  replyImmediately(input: $input) {\n    __typename\n    ... on ReplyImmediatelySuccess {\n      logId\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.ReplyImmediatelyDocument,
    "mutation ReplyToComplaint($input: ReplyToComplaintInput!) {\n  replyToComplaint(input: $input) {\n    __typename\n    ... on ReplyToComplaintSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on ValidationError {\n      field\n    }\n    ... on UnsupportedError {\n      capability\n    }\n    ... on ProviderError {\n      provider\n      providerCode\n      httpStatus\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}": types.ReplyToComplaintDocument,
    "mutation UpdateNotificationUrl($input: SetNotificationUrlInput!) {\n  updateNotificationUrl(input: $input) {\n    __typename\n    ... on UpdateNotificationUrlSuccess {\n      url\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.UpdateNotificationUrlDocument,
    "mutation UpdateRefundProgress($input: UpdateRefundProgressInput!) {\n  updateRefundProgress(input: $input) {\n    __typename\n    ... on UpdateRefundProgressSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.UpdateRefundProgressDocument,
    "mutation UploadImage($merchantId: ID!, $file: File!) {\n  uploadImage(merchantId: $merchantId, file: $file) {\n    __typename\n    ... on UploadImageSuccess {\n      mediaId\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on ValidationError {\n      field\n    }\n  }\n}": types.UploadImageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ComplaintDetail($id: ID!, $historyFirst: Int = 20, $historyAfter: String) {\n  complaint(id: $id) {\n    id\n    provider\n    complaintId\n    state\n    stateRaw\n    complainedAt\n    detail\n    problemDescription\n    problemType\n    userComplaintTimes\n    incomingUserResponse\n    fullyRefunded\n    applyRefundAmount\n    needImmediateService\n    payerOpenid\n    orders {\n      transactionId\n      outTradeNo\n      amount\n    }\n    media {\n      kind\n      urls\n    }\n    merchant {\n      id\n      name\n      capabilities\n    }\n    negotiationHistory(first: $historyFirst, after: $historyAfter) {\n      edges {\n        node {\n          logId\n          operator\n          operateType\n          operatedAt\n          details\n          images\n          message {\n            senderIdentity\n            blocks {\n              __typename\n              ... on TextBlock {\n                text\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): typeof import('./graphql.js').ComplaintDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ComplaintEvents($first: Int, $after: String) {\n  complaintEvents(first: $first, after: $after) {\n    edges {\n      node {\n        notificationId\n        provider\n        actionType\n        providerTime\n        receivedAt\n        merchant {\n          name\n          merchantNo\n        }\n        complaint {\n          id\n          complaintId\n          state\n          incomingUserResponse\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql.js').ComplaintEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RecentComplaints($first: Int = 10, $after: String, $filter: ComplaintFilterInput) {\n  complaints(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        provider\n        complaintId\n        state\n        complainedAt\n        detail\n        merchant {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql.js').RecentComplaintsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CompleteComplaint($input: CompleteComplaintInput!) {\n  completeComplaint(input: $input) {\n    __typename\n    ... on CompleteComplaintSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on UnsupportedError {\n      capability\n    }\n  }\n}"): typeof import('./graphql.js').CompleteComplaintDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateNotificationUrl($input: SetNotificationUrlInput!) {\n  createNotificationUrl(input: $input) {\n    __typename\n    ... on CreateNotificationUrlSuccess {\n      url\n      merchant {\n        id\n        notificationUrl\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): typeof import('./graphql.js').CreateNotificationUrlDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteNotificationUrl($input: DeleteNotificationUrlInput!) {\n  deleteNotificationUrl(input: $input) {\n    __typename\n    ... on DeleteNotificationUrlSuccess {\n      url\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): typeof import('./graphql.js').DeleteNotificationUrlDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Merchants {\n  merchants {\n    id\n    provider\n    merchantNo\n    name\n    capabilities\n    notificationUrl\n  }\n}"): typeof import('./graphql.js').MerchantsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ComplaintPayerPhone($id: ID!) {\n  complaint(id: $id) {\n    id\n    payerPhone\n  }\n}"): typeof import('./graphql.js').ComplaintPayerPhoneDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ReplyImmediately($input: ReplyImmediatelyInput!) {\n  replyImmediately(input: $input) {\n    __typename\n    ... on ReplyImmediatelySuccess {\n      logId\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): typeof import('./graphql.js').ReplyImmediatelyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ReplyToComplaint($input: ReplyToComplaintInput!) {\n  replyToComplaint(input: $input) {\n    __typename\n    ... on ReplyToComplaintSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on ValidationError {\n      field\n    }\n    ... on UnsupportedError {\n      capability\n    }\n    ... on ProviderError {\n      provider\n      providerCode\n      httpStatus\n    }\n    ... on RateLimitedError {\n      retryAfterSeconds\n    }\n  }\n}"): typeof import('./graphql.js').ReplyToComplaintDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateNotificationUrl($input: SetNotificationUrlInput!) {\n  updateNotificationUrl(input: $input) {\n    __typename\n    ... on UpdateNotificationUrlSuccess {\n      url\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): typeof import('./graphql.js').UpdateNotificationUrlDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateRefundProgress($input: UpdateRefundProgressInput!) {\n  updateRefundProgress(input: $input) {\n    __typename\n    ... on UpdateRefundProgressSuccess {\n      complaint {\n        id\n        state\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): typeof import('./graphql.js').UpdateRefundProgressDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UploadImage($merchantId: ID!, $file: File!) {\n  uploadImage(merchantId: $merchantId, file: $file) {\n    __typename\n    ... on UploadImageSuccess {\n      mediaId\n    }\n    ... on Error {\n      code\n      message\n    }\n    ... on ValidationError {\n      field\n    }\n  }\n}"): typeof import('./graphql.js').UploadImageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
