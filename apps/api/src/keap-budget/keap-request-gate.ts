/** The port every Keap HTTP call goes through; defined by the Keap client package. */
export type {
  KeapCallContext,
  KeapCallPriority,
  KeapGrant,
  KeapRequestGate,
} from '@sms-seq/crm-keap';
