// The contract checks against the official OpenAPI specs, for other packages' tests: a separate
// entry point (`@sms-seq/sandbox/contract`) because it loads openapi-backend, which the sandbox
// server itself does not need.
export * from './keap-contract';
export * from './twilio-contract';
