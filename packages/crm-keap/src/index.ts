export * from './errors';
export * from './request-gate';
export * from './keap.types';
export {
  KeapOAuth,
  KEAP_AUTHORIZE_URL,
  KEAP_TOKEN_URL,
  type KeapOAuthOptions,
  type KeapTokens,
} from './keap-oauth';
export {
  TokenManager,
  type KeapTokenStore,
  type KeapAccountLock,
  type KeapTokenRefresher,
  type TokenManagerOptions,
} from './token-manager';
export {
  KeapHttp,
  DEFAULT_KEAP_TIMEOUT_MS,
  type KeapCallRecord,
  type KeapHttpOptions,
  type KeapRetryPolicy,
} from './keap-http';
export {
  KeapClient,
  type KeapClientOptions,
  type KeapAccountCache,
  type ApplyTagResult,
  type ApplyTagOutcome,
  KEAP_MAX_IDS_PER_LIST,
  KEAP_MAX_IDS_FILTER_CHARS,
  KEAP_NO_ANSWER_FOR_CONTACT,
  type AchieveGoalResult,
  type KeapNotePart,
} from './keap-client';
export {
  toContactSnapshot,
  toContactWrite,
  writeNeedsCurrentContact,
  contactListsWritten,
  customFieldKey,
  SEQUENCE_CONTACT_FIELDS,
  DEFAULT_PHONE_TYPE,
  type ContactWritePlan,
  type ContactListProperty,
} from './contact-fields.mapper';
export { memoryAccountCache } from './account-cache';
