/**
 * Every `error.code` the API answers with. The OpenAPI document lists them (ErrorBody), so clients
 * can rely on them and the console's test of its wording walks them all; DomainError's code is
 * typed by this list, so a new code cannot be thrown without being documented.
 */
export const ERROR_CODES = [
  // Any request
  'invalid_input',
  'invalid_json',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'internal',
  'not_ready',
  // The console's records
  'account_not_found',
  'tool_not_found',
  'tool_version_not_found',
  'conversation_not_found',
  'tool_has_problems',
  'invalid_tool_definition',
  'stale_draft',
  'nothing_to_publish',
  'nothing_to_discard',
  'keyword_taken',
  'sender_not_in_twilio_account',
  'import_needs_choices',
  'template_not_found',
  // A campaign's "Send HTTP Post"
  'invalid_contact_id',
  'unknown_step',
  'tool_not_published',
  'tool_disabled',
  'account_disconnected',
  // Keap
  'keap_unavailable',
  'keap_app_misconfigured',
  'keap_disconnected',
  'keap_forbidden',
  'keap_not_found',
  'keap_unknown_field',
  'keap_refused',
  'keap_field_exists',
  // Twilio
  'twilio_not_connected',
  'twilio_credentials_rejected',
  'twilio_number_not_found',
  'twilio_service_not_found',
  'twilio_unavailable',
  'twilio_refused',
  // Twilio's webhooks
  'invalid_signature',
  'invalid_account_sid',
  'invalid_webhook_field',
  'sender_not_in_account',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What Nest or Express refuse themselves (an unknown route is `http_404`) is named by its status. */
export const HTTP_STATUS_CODE = /^http_[1-5]\d\d$/;
