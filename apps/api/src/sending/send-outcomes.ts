import { Injectable } from '@nestjs/common';
import { SharedCounters } from '../metrics/metrics.module';
import type { SharedCounter } from '../metrics/shared-counter';

/**
 * What became of each attempt to send a text, for `sms_sends_total{outcome,reason}`:
 * - `sent`: the provider took it (or it was found there after an unanswered attempt);
 * - `failed`: refused for good, `reason` the provider's error class (invalid-number, not-mobile,
 *   unsubscribed, filtered, permanent, ...);
 * - `deferred`: planned for later, `reason` quiet_hours, sender_rate (a slot ahead) or
 *   sender_window (woke late, the sender's last second was full);
 * - `suppressed`: not sent, `reason` opted_out, invalid_number, conversation_ended or _expired;
 * - `held`: held until the account's Twilio credentials work (`reason` credentials_rejected);
 * - `retried`: no verdict, the queue retries (`reason` not_taken, or unknown: it may have gone).
 */
export type SendOutcome = 'sent' | 'failed' | 'deferred' | 'suppressed' | 'held' | 'retried';

/** Counts send outcomes for the whole deployment (the sends run in the worker; see SharedCounter). */
@Injectable()
export class SendOutcomes {
  private readonly counter: SharedCounter<'outcome' | 'reason'>;

  constructor(counters: SharedCounters) {
    this.counter = counters.counter({
      name: 'sms_sends_total',
      help: 'Attempts to send a text, by outcome and reason (deployment-wide running total)',
      labelNames: ['outcome', 'reason'],
    });
  }

  count(outcome: SendOutcome, reason?: string): void {
    this.counter.inc({ outcome, reason });
  }
}
