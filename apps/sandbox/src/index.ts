export * from './app';
export {
  SANDBOX_KEAP_CLIENT,
  DEMO_TENANT_ID,
  SECOND_TENANT_ID,
  DEMO_TAG_NAMES,
  KEAP_PUBLISHED_LIMITS,
  type KeapSandbox,
  type AchievedGoal,
} from './keap';
export {
  DEMO_ACCOUNT_SID,
  DEMO_AUTH_TOKEN,
  DEMO_API_KEY_SID,
  DEMO_API_KEY_SECRET,
  DEMO_MESSAGING_SERVICE_SID,
  SECOND_ACCOUNT_SID,
  SECOND_AUTH_TOKEN,
  SECOND_API_KEY_SID,
  SECOND_API_KEY_SECRET,
  SECOND_NUMBER,
  type TwilioSandbox,
  type TwilioNumberState,
  type TwilioServiceState,
} from './twilio';
