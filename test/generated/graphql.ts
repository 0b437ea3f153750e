/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ApproveRefundInput = {
  /** Working days until the refund is started (0: at once); omitted: the provider decides (WeChat Pay makes it optional). */
  launchRefundDay?: number | null | undefined;
  remark?: string | null | undefined;
};

export type ButtonBlockInput = {
  action: ClickActionInput;
  invalidInfo?: InvalidInfoInput | null | undefined;
  text: string;
};

export type ButtonGroupBlockInput = {
  buttons: Array<MessageButtonInput>;
  invalidInfo?: InvalidInfoInput | null | undefined;
  layout?: ButtonLayout | null | undefined;
};

export type ButtonLayout =
  | 'HORIZONTAL'
  | 'VERTICAL';

/** What a merchant's provider account supports. */
export type Capability =
  | 'COMPLAINT_DETAIL'
  | 'COMPLETE'
  | 'IMAGE_DOWNLOAD'
  | 'IMAGE_UPLOAD'
  | 'IMMEDIATE_REPLY'
  | 'LIST_COMPLAINTS'
  | 'NEGOTIATION_HISTORY'
  | 'NOTIFICATIONS'
  | 'NOTIFICATION_URL'
  | 'REFUND_PROGRESS'
  | 'REPLY';

export type ClickActionInput =
  {   jumpMiniProgram: JumpMiniProgramActionInput; jumpUrl?: never; sendMessage?: never; }
  |  { jumpMiniProgram?: never;   jumpUrl: JumpUrlActionInput; sendMessage?: never; }
  |  { jumpMiniProgram?: never; jumpUrl?: never;   sendMessage: SendMessageActionInput; };

export type ComplaintFilterInput = {
  /** The provider's complaint id. */
  complaintId?: string | null | undefined;
  /** First day (Beijing), inclusive; default: 30 days up to `to`. */
  from?: string | null | undefined;
  /** Merchant ids; default: every merchant. */
  merchantIds?: Array<string> | null | undefined;
  /** The merchant's order number. */
  outTradeNo?: string | null | undefined;
  providers?: Array<Provider> | null | undefined;
  states?: Array<ComplaintState> | null | undefined;
  /** Last day (Beijing), inclusive; default: today. */
  to?: string | null | undefined;
};

/** UNKNOWN: a state this gateway does not know yet; see `stateRaw`. */
export type ComplaintState =
  | 'PENDING'
  | 'PROCESSED'
  | 'PROCESSING'
  | 'UNKNOWN';

export type CompleteComplaintInput = {
  complaintId: string;
  /** Makes a repeat safe: a repeat with the same key (on any gateway instance, for 24 hours) returns the first call's result without sending again; after an OUTCOME_UNKNOWN error it first checks whether the first attempt landed. 1-128 printable ASCII characters. */
  idempotencyKey?: string | null | undefined;
};

export type DeleteNotificationUrlInput = {
  merchantId: string;
};

export type FaqInput = {
  action: ClickActionInput;
  faqId: string;
  title: string;
};

export type FaqListBlockInput = {
  faqs: Array<FaqInput>;
};

export type ImageBlockInput = {
  /** From uploadImage. */
  mediaId: string;
  style?: ImageStyle | null | undefined;
};

export type ImageStyle =
  | 'NARROW'
  | 'WIDE';

export type InvalidInfoInput = {
  expiresAt?: string | null | undefined;
  multiClickable?: boolean | null | undefined;
};

export type JumpMiniProgramActionInput = {
  actionId?: string | null | undefined;
  appId: string;
  path?: string | null | undefined;
  /** Kept for the gateway's own model; not sent to WeChat Pay, whose request has appid and path only (seed 002). */
  text?: string | null | undefined;
};

export type JumpUrlActionInput = {
  actionId?: string | null | undefined;
  url: string;
};

export type LinkBlockInput = {
  action: ClickActionInput;
  invalidInfo?: InvalidInfoInput | null | undefined;
  text: string;
};

export type MediaKind =
  | 'OPERATION_IMAGE'
  | 'UNKNOWN'
  | 'USER_COMPLAINT_IMAGE';

export type MessageBlockInput =
  {   button: ButtonBlockInput; buttonGroup?: never; faqList?: never; image?: never; link?: never; text?: never; }
  |  { button?: never;   buttonGroup: ButtonGroupBlockInput; faqList?: never; image?: never; link?: never; text?: never; }
  |  { button?: never; buttonGroup?: never;   faqList: FaqListBlockInput; image?: never; link?: never; text?: never; }
  |  { button?: never; buttonGroup?: never; faqList?: never;   image: ImageBlockInput; link?: never; text?: never; }
  |  { button?: never; buttonGroup?: never; faqList?: never; image?: never;   link: LinkBlockInput; text?: never; }
  |  { button?: never; buttonGroup?: never; faqList?: never; image?: never; link?: never;   text: TextBlockInput; };

export type MessageButtonInput = {
  action: ClickActionInput;
  text: string;
};

export type NormalMessageInput = {
  blocks: Array<MessageBlockInput>;
  customData?: string | null | undefined;
  senderIdentity?: SenderIdentity | null | undefined;
};

/** WeChat Pay's operation types, its misspellings included; UNKNOWN: see `operateTypeRaw`. */
export type OperateType =
  | 'COMPLAINT_ENTRUSTED_REFUND_SYSTEM_MESSAGE'
  | 'COMPLAINT_FULL_REFUNDED_SYSTEM_MESSAGE'
  | 'COMPLAINT_PARTIAL_REFUNDED_SYSTEM_MESSAGE'
  | 'COMPLAINT_REFUND_RECEIVED_SYSTEM_MESSAGE'
  | 'MERCHANT_APPROVE_REFUND'
  | 'MERCHANT_CONFIRM_COMPLETE'
  | 'MERCHANT_REFUSE_RERUND'
  | 'MERCHANT_RESPONSE'
  | 'PLATFORM_HELP_APPLICATION'
  | 'PLATFORM_RESPONSE'
  | 'PLATFORM_SERVICE_FINISHED'
  | 'SERVICE_ORDER_CANCEL'
  | 'SERVICE_ORDER_COMPLETE'
  | 'UNKNOWN'
  | 'USER_APPLY_PLATFORM_HELP'
  | 'USER_APPLY_PLATFORM_SERVICE'
  | 'USER_CANCEL_PLATFORM_SERVICE'
  | 'USER_CLICK_RESPONSE'
  | 'USER_COMFIRM_COMPLAINT'
  | 'USER_CONTINUE_COMPLAINT'
  | 'USER_CONTINUE_COMPLAINT_SYSTEM_MESSAGE'
  | 'USER_CREATE_COMPLAINT'
  | 'USER_CREATE_COMPLAINT_SYSTEM_MESSAGE'
  | 'USER_RESPONSE'
  | 'USER_REVOKE_COMPLAINT'
  | 'USER_SUBMIT_SATISFACTION';

export type ProblemType =
  | 'OTHERS'
  | 'REFUND'
  | 'SERVICE_NOT_WORK'
  | 'UNKNOWN';

export type Provider =
  | 'HUISHOUQIAN'
  | 'WECHAT_PAY';

export type RefundDecisionInput =
  {   approve: ApproveRefundInput; reject?: never; }
  |  { approve?: never;   reject: RejectRefundInput; };

export type RejectRefundInput = {
  /** Media ids from uploadImage. */
  rejectMediaIds?: Array<string> | null | undefined;
  rejectReason: string;
  remark?: string | null | undefined;
};

export type ReplyImmediatelyInput = {
  complaintId: string;
  /** Makes a repeat safe: a repeat with the same key (on any gateway instance, for 24 hours) returns the first call's result without sending again; after an OUTCOME_UNKNOWN error it first checks whether the first attempt landed. 1-128 printable ASCII characters. Also sent to WeChat Pay, which deduplicates on it. */
  idempotencyKey: string;
  message: NormalMessageInput;
};

export type ReplyJumpUrlInput = {
  text: string;
  url: string;
};

export type ReplyMiniProgramInput = {
  appId: string;
  path: string;
  text: string;
};

export type ReplyToComplaintInput = {
  complaintId: string;
  /** Makes a repeat safe: a repeat with the same key (on any gateway instance, for 24 hours) returns the first call's result without sending again; after an OUTCOME_UNKNOWN error it first checks whether the first attempt landed. 1-128 printable ASCII characters. */
  idempotencyKey?: string | null | undefined;
  /** Media ids from uploadImage. */
  imageMediaIds?: Array<string> | null | undefined;
  jumpUrl?: ReplyJumpUrlInput | null | undefined;
  miniProgram?: ReplyMiniProgramInput | null | undefined;
  text: string;
};

export type SendMessageActionInput = {
  actionId?: string | null | undefined;
  content: string;
  customData?: string | null | undefined;
};

export type SenderIdentity =
  | 'MACHINE'
  | 'MANUAL'
  | 'UNKNOWN';

export type SetNotificationUrlInput = {
  merchantId: string;
  /** This gateway's own webhook URL for the merchant's provider account, the only URL accepted (so no token can send an account's notifications elsewhere). Omit it: the gateway registers that URL. */
  url?: string | null | undefined;
};

export type TextBlockInput = {
  bold?: boolean | null | undefined;
  color?: TextColor | null | undefined;
  text: string;
};

export type TextColor =
  | 'DEFAULT'
  | 'SECONDARY';

export type UpdateRefundProgressInput = {
  complaintId: string;
  decision: RefundDecisionInput;
  /** Makes a repeat safe: a repeat with the same key (on any gateway instance, for 24 hours) returns the first call's result without sending again; after an OUTCOME_UNKNOWN error it first checks whether the first attempt landed. 1-128 printable ASCII characters. */
  idempotencyKey?: string | null | undefined;
};

export type ComplaintDetailQueryVariables = Exact<{
  id: string;
  historyFirst?: number | null | undefined;
  historyAfter?: string | null | undefined;
}>;


export type ComplaintDetailQuery = { complaint: { id: string, provider: Provider, complaintId: string, state: ComplaintState, stateRaw: string, complainedAt: string, detail: string, problemDescription: string | null, problemType: ProblemType | null, userComplaintTimes: number, incomingUserResponse: boolean, fullyRefunded: boolean, applyRefundAmount: number | null, needImmediateService: boolean, payerOpenid: string | null, orders: Array<{ transactionId: string | null, outTradeNo: string, amount: number }>, media: Array<{ kind: MediaKind, urls: Array<string> }>, merchant: { id: string, name: string, capabilities: Array<Capability> }, negotiationHistory: { edges: Array<{ node: { logId: string, operator: string, operateType: OperateType, operatedAt: string | null, details: string | null, images: Array<string>, message: { senderIdentity: SenderIdentity | null, blocks: Array<
              | { __typename: 'ButtonBlock' }
              | { __typename: 'ButtonGroupBlock' }
              | { __typename: 'FaqListBlock' }
              | { __typename: 'ImageBlock' }
              | { __typename: 'LinkBlock' }
              | { __typename: 'TextBlock', text: string }
            > } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ComplaintEventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ComplaintEventsQuery = { complaintEvents: { edges: Array<{ node: { notificationId: string, provider: Provider, actionType: string, providerTime: string | null, receivedAt: string, merchant: { name: string, merchantNo: string }, complaint: { id: string, complaintId: string, state: ComplaintState, incomingUserResponse: boolean } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type RecentComplaintsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: ComplaintFilterInput | null | undefined;
}>;


export type RecentComplaintsQuery = { complaints: { edges: Array<{ node: { id: string, provider: Provider, complaintId: string, state: ComplaintState, complainedAt: string, detail: string, merchant: { name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CompleteComplaintMutationVariables = Exact<{
  input: CompleteComplaintInput;
}>;


export type CompleteComplaintMutation = { completeComplaint:
    | { __typename: 'CompleteComplaintSuccess', complaint: { id: string, state: ComplaintState } | null }
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'UnsupportedError', code: string, message: string, capability: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type CreateNotificationUrlMutationVariables = Exact<{
  input: SetNotificationUrlInput;
}>;


export type CreateNotificationUrlMutation = { createNotificationUrl:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'CreateNotificationUrlSuccess', url: string | null, merchant: { id: string, notificationUrl: string | null } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'UnsupportedError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type DeleteNotificationUrlMutationVariables = Exact<{
  input: DeleteNotificationUrlInput;
}>;


export type DeleteNotificationUrlMutation = { deleteNotificationUrl:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'DeleteNotificationUrlSuccess', url: string | null }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'UnsupportedError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type MerchantsQueryVariables = Exact<{ [key: string]: never; }>;


export type MerchantsQuery = { merchants: Array<{ id: string, provider: Provider, merchantNo: string, name: string, capabilities: Array<Capability>, notificationUrl: string | null }> };

export type ComplaintPayerPhoneQueryVariables = Exact<{
  id: string;
}>;


export type ComplaintPayerPhoneQuery = { complaint: { id: string, payerPhone: string | null } | null };

export type ReplyImmediatelyMutationVariables = Exact<{
  input: ReplyImmediatelyInput;
}>;


export type ReplyImmediatelyMutation = { replyImmediately:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'ReplyImmediatelySuccess', logId: string, complaint: { id: string, state: ComplaintState } | null }
    | { __typename: 'UnsupportedError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type ReplyToComplaintMutationVariables = Exact<{
  input: ReplyToComplaintInput;
}>;


export type ReplyToComplaintMutation = { replyToComplaint:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string, provider: Provider, providerCode: string | null, httpStatus: number | null }
    | { __typename: 'RateLimitedError', code: string, message: string, retryAfterSeconds: number }
    | { __typename: 'ReplyToComplaintSuccess', complaint: { id: string, state: ComplaintState } | null }
    | { __typename: 'UnsupportedError', code: string, message: string, capability: string }
    | { __typename: 'ValidationError', code: string, message: string, field: string | null }
   };

export type UpdateNotificationUrlMutationVariables = Exact<{
  input: SetNotificationUrlInput;
}>;


export type UpdateNotificationUrlMutation = { updateNotificationUrl:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'UnsupportedError', code: string, message: string }
    | { __typename: 'UpdateNotificationUrlSuccess', url: string | null }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type UpdateRefundProgressMutationVariables = Exact<{
  input: UpdateRefundProgressInput;
}>;


export type UpdateRefundProgressMutation = { updateRefundProgress:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'UnsupportedError', code: string, message: string }
    | { __typename: 'UpdateRefundProgressSuccess', complaint: { id: string, state: ComplaintState } | null }
    | { __typename: 'ValidationError', code: string, message: string }
   };

export type UploadImageMutationVariables = Exact<{
  merchantId: string;
  file: File;
}>;


export type UploadImageMutation = { uploadImage:
    | { __typename: 'ConfigurationError', code: string, message: string }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'RateLimitedError', code: string, message: string }
    | { __typename: 'UnsupportedError', code: string, message: string }
    | { __typename: 'UploadImageSuccess', mediaId: string }
    | { __typename: 'ValidationError', code: string, message: string, field: string | null }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ComplaintDetailDocument = new TypedDocumentString(`
    query ComplaintDetail($id: ID!, $historyFirst: Int = 20, $historyAfter: String) {
  complaint(id: $id) {
    id
    provider
    complaintId
    state
    stateRaw
    complainedAt
    detail
    problemDescription
    problemType
    userComplaintTimes
    incomingUserResponse
    fullyRefunded
    applyRefundAmount
    needImmediateService
    payerOpenid
    orders {
      transactionId
      outTradeNo
      amount
    }
    media {
      kind
      urls
    }
    merchant {
      id
      name
      capabilities
    }
    negotiationHistory(first: $historyFirst, after: $historyAfter) {
      edges {
        node {
          logId
          operator
          operateType
          operatedAt
          details
          images
          message {
            senderIdentity
            blocks {
              __typename
              ... on TextBlock {
                text
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `, {"hash":"sha256:5889ee1af55e16920f27df54759c2146e141ee91b80d097a398aff014a0df0d1"}) as unknown as TypedDocumentString<ComplaintDetailQuery, ComplaintDetailQueryVariables>;
export const ComplaintEventsDocument = new TypedDocumentString(`
    query ComplaintEvents($first: Int, $after: String) {
  complaintEvents(first: $first, after: $after) {
    edges {
      node {
        notificationId
        provider
        actionType
        providerTime
        receivedAt
        merchant {
          name
          merchantNo
        }
        complaint {
          id
          complaintId
          state
          incomingUserResponse
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:885b7131fed524a2526ae8615ae0793f2976729a078e6c1da107cb0cf8a2dee1"}) as unknown as TypedDocumentString<ComplaintEventsQuery, ComplaintEventsQueryVariables>;
export const RecentComplaintsDocument = new TypedDocumentString(`
    query RecentComplaints($first: Int = 10, $after: String, $filter: ComplaintFilterInput) {
  complaints(first: $first, after: $after, filter: $filter) {
    edges {
      node {
        id
        provider
        complaintId
        state
        complainedAt
        detail
        merchant {
          name
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:0ba161cae9b94d947ed6ab85d8c4e1c948a9167844827effd4e6e7c585b6f673"}) as unknown as TypedDocumentString<RecentComplaintsQuery, RecentComplaintsQueryVariables>;
export const CompleteComplaintDocument = new TypedDocumentString(`
    mutation CompleteComplaint($input: CompleteComplaintInput!) {
  completeComplaint(input: $input) {
    __typename
    ... on CompleteComplaintSuccess {
      complaint {
        id
        state
      }
    }
    ... on Error {
      code
      message
    }
    ... on UnsupportedError {
      capability
    }
  }
}
    `, {"hash":"sha256:16227591d3cdf3cbfe70ef53edc55be0ff297da86c78a8d8794102955abdf50c"}) as unknown as TypedDocumentString<CompleteComplaintMutation, CompleteComplaintMutationVariables>;
export const CreateNotificationUrlDocument = new TypedDocumentString(`
    mutation CreateNotificationUrl($input: SetNotificationUrlInput!) {
  createNotificationUrl(input: $input) {
    __typename
    ... on CreateNotificationUrlSuccess {
      url
      merchant {
        id
        notificationUrl
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `, {"hash":"sha256:93b67fb6ec2c0720304c1a17aeaf79a35104b3bd0972c3a022bead017c06253b"}) as unknown as TypedDocumentString<CreateNotificationUrlMutation, CreateNotificationUrlMutationVariables>;
export const DeleteNotificationUrlDocument = new TypedDocumentString(`
    mutation DeleteNotificationUrl($input: DeleteNotificationUrlInput!) {
  deleteNotificationUrl(input: $input) {
    __typename
    ... on DeleteNotificationUrlSuccess {
      url
    }
    ... on Error {
      code
      message
    }
  }
}
    `, {"hash":"sha256:79c664765e7d4525d3c3913558cb4b57c0b3e1f6662777c9110ee5540e300a9f"}) as unknown as TypedDocumentString<DeleteNotificationUrlMutation, DeleteNotificationUrlMutationVariables>;
export const MerchantsDocument = new TypedDocumentString(`
    query Merchants {
  merchants {
    id
    provider
    merchantNo
    name
    capabilities
    notificationUrl
  }
}
    `, {"hash":"sha256:bcc55f83349abd3ce87b08cc236240a0af52a8f2803e0e74a0edacffcccebbc0"}) as unknown as TypedDocumentString<MerchantsQuery, MerchantsQueryVariables>;
export const ComplaintPayerPhoneDocument = new TypedDocumentString(`
    query ComplaintPayerPhone($id: ID!) {
  complaint(id: $id) {
    id
    payerPhone
  }
}
    `, {"hash":"sha256:44f88b2d4a0c864268494dec84f731d6c02f944ef2764e0b8c97520e167d80b8"}) as unknown as TypedDocumentString<ComplaintPayerPhoneQuery, ComplaintPayerPhoneQueryVariables>;
export const ReplyImmediatelyDocument = new TypedDocumentString(`
    mutation ReplyImmediately($input: ReplyImmediatelyInput!) {
  replyImmediately(input: $input) {
    __typename
    ... on ReplyImmediatelySuccess {
      logId
      complaint {
        id
        state
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `, {"hash":"sha256:88e7fd3ae8ffe79ce207a72415313e545025bd30d2d02683685077ddfcaf37f9"}) as unknown as TypedDocumentString<ReplyImmediatelyMutation, ReplyImmediatelyMutationVariables>;
export const ReplyToComplaintDocument = new TypedDocumentString(`
    mutation ReplyToComplaint($input: ReplyToComplaintInput!) {
  replyToComplaint(input: $input) {
    __typename
    ... on ReplyToComplaintSuccess {
      complaint {
        id
        state
      }
    }
    ... on Error {
      code
      message
    }
    ... on ValidationError {
      field
    }
    ... on UnsupportedError {
      capability
    }
    ... on ProviderError {
      provider
      providerCode
      httpStatus
    }
    ... on RateLimitedError {
      retryAfterSeconds
    }
  }
}
    `, {"hash":"sha256:984c82762fa4582e3ca3a1076b5ef36efe01a768fe977f92dd32df562f884674"}) as unknown as TypedDocumentString<ReplyToComplaintMutation, ReplyToComplaintMutationVariables>;
export const UpdateNotificationUrlDocument = new TypedDocumentString(`
    mutation UpdateNotificationUrl($input: SetNotificationUrlInput!) {
  updateNotificationUrl(input: $input) {
    __typename
    ... on UpdateNotificationUrlSuccess {
      url
    }
    ... on Error {
      code
      message
    }
  }
}
    `, {"hash":"sha256:b665a1cc354bcfe8496f117e5cfa5c0020b304a80d4ba0daf83830de3691dafe"}) as unknown as TypedDocumentString<UpdateNotificationUrlMutation, UpdateNotificationUrlMutationVariables>;
export const UpdateRefundProgressDocument = new TypedDocumentString(`
    mutation UpdateRefundProgress($input: UpdateRefundProgressInput!) {
  updateRefundProgress(input: $input) {
    __typename
    ... on UpdateRefundProgressSuccess {
      complaint {
        id
        state
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `, {"hash":"sha256:efbedf00d4f0905c711187808dbd58d7c9f6d03917ae0d294c96f367f9224cde"}) as unknown as TypedDocumentString<UpdateRefundProgressMutation, UpdateRefundProgressMutationVariables>;
export const UploadImageDocument = new TypedDocumentString(`
    mutation UploadImage($merchantId: ID!, $file: File!) {
  uploadImage(merchantId: $merchantId, file: $file) {
    __typename
    ... on UploadImageSuccess {
      mediaId
    }
    ... on Error {
      code
      message
    }
    ... on ValidationError {
      field
    }
  }
}
    `, {"hash":"sha256:f0d38c8087c7be809d1a5ed7a68366710d559f41ede600c6e5c74751ebe896c1"}) as unknown as TypedDocumentString<UploadImageMutation, UploadImageMutationVariables>;