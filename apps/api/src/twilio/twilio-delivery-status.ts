import type { DeliveryReport, MessageStatus, SmsFailureReason } from '../ports/sms-gateway.port';

const STATUSES: ReadonlySet<string> = new Set<MessageStatus>([
  'accepted',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'received',
]);

/**
 * The failure reason behind an ErrorCode of a status callback (or a failed send). Pure, so the
 * webhook controller and the queue agree on it.
 */
export function deliveryFailureReason(
  errorCode: number | string | null | undefined,
): SmsFailureReason {
  const code = typeof errorCode === 'string' ? Number(errorCode) : errorCode;
  switch (code) {
    case 21211:
    case 21217:
    case 21401:
    case 21421:
    case 30005: // unknown destination handset: the number does not exist
      return 'invalid-number';
    case 21614:
    case 30006: // landline or unreachable carrier
      return 'not-mobile';
    case 21610:
      return 'unsubscribed';
    case 30003: // handset off or out of coverage
      return 'unreachable';
    case 30007: // carrier filtering
      return 'filtered';
    case 20429:
    case 30001: // queue overflow
    case 30022: // throughput exceeded
      return 'rate-limited';
    default:
      // 30004 blocked, 30008 unknown, 21408 region not enabled, and anything new.
      return 'permanent';
  }
}

/** A Twilio status callback's form parameters, read as a delivery report. */
export function parseTwilioStatusCallback(
  params: Record<string, string | string[] | undefined>,
): DeliveryReport {
  const one = (name: string): string | undefined => {
    const value = params[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const rawStatus = one('MessageStatus') ?? one('SmsStatus') ?? 'unknown';
  const status: MessageStatus = STATUSES.has(rawStatus) ? (rawStatus as MessageStatus) : 'unknown';
  const errorCode = one('ErrorCode');
  const failed = status === 'failed' || status === 'undelivered';
  return {
    providerMessageId: one('MessageSid') ?? one('SmsSid') ?? '',
    status,
    failure: failed
      ? {
          reason: deliveryFailureReason(errorCode),
          providerCode: errorCode ? Number(errorCode) : null,
        }
      : null,
    from: one('From') ?? null,
    to: one('To') ?? null,
  };
}
