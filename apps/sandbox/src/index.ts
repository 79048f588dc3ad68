export * from './app';
export { SANDBOX_KEAP_CLIENT, DEMO_TENANT_ID, SECOND_TENANT_ID, DEMO_TAG_NAMES, type KeapSandbox } from './keap';
