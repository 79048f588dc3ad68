import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError } from '../../errors/domain-error';
import { TwilioConnectionService } from './twilio-connection.service';

/** The Twilio senders an account owns: its numbers and its messaging services. */
interface OwnedSenders {
  numbers: Set<string>;
  services: Set<string>;
  readAt: number;
}

/** A sender Twilio listed is trusted this long before it is listed again. */
const FRESH_MS = 5 * 60_000;
/** An unknown sender re-reads the list at most this often per account (a flood costs no more). */
const REREAD_AFTER_MS = 5_000;

/**
 * A webhook signed by one Twilio account names a sender (`To`, `MessagingServiceSid`) of another:
 * Twilio never sends that, so it is refused and stored nowhere.
 */
export class SenderNotInAccountError extends DomainError {
  readonly status = 403;
  readonly code = 'sender_not_in_account';
  constructor() {
    super(
      'The text was sent to a number or messaging service that is not in the Twilio account that signed this request, so it was refused.',
    );
  }
}

/** The account's senders could not be listed from Twilio: answered 503, so Twilio delivers it again. */
export class SendersUnknownError extends DomainError {
  readonly status = 503;
  readonly code = 'twilio_unavailable';
  constructor() {
    super(
      'Twilio did not list the account’s numbers, so this text could not be checked yet. Twilio will deliver it again.',
    );
  }
}

/**
 * Which senders each account's connected Twilio account owns, kept in memory (the inbound webhook
 * answers thousands of texts a second: a known sender costs a Map look-up). A sender not in the
 * list re-reads it first, so a number bought a moment ago (here or in Twilio's console) is found.
 */
@Injectable()
export class TwilioSenderDirectory implements OnModuleInit {
  private readonly owned = new Map<string, OwnedSenders>();
  private readonly reading = new Map<string, Promise<OwnedSenders>>();

  constructor(private readonly connections: TwilioConnectionService) {}

  onModuleInit(): void {
    // Other credentials may be another Twilio account: its senders are listed afresh.
    this.connections.onCredentialsSaved((accountId) => Promise.resolve(this.forget(accountId)));
  }

  /** Throws SenderNotInAccountError unless the webhook's sender is one of the account's. */
  async assertOwns(
    accountId: string,
    to: string,
    messagingServiceSid: string | null,
  ): Promise<void> {
    const kept = this.owned.get(accountId);
    if (kept && Date.now() - kept.readAt < FRESH_MS && owns(kept, to, messagingServiceSid)) return;
    if (kept && Date.now() - kept.readAt < REREAD_AFTER_MS) throw new SenderNotInAccountError();
    let fresh: OwnedSenders;
    try {
      fresh = await this.read(accountId);
    } catch {
      throw new SendersUnknownError();
    }
    if (!owns(fresh, to, messagingServiceSid)) throw new SenderNotInAccountError();
  }

  /** The account's senders changed (a number bought, credentials saved): list them again next time. */
  forget(accountId: string): void {
    this.owned.delete(accountId);
  }

  private read(accountId: string): Promise<OwnedSenders> {
    let reading = this.reading.get(accountId);
    if (!reading) {
      reading = (async () => {
        const gateway = await this.connections.gatewayFor(accountId);
        const [numbers, services] = await Promise.all([
          gateway.listNumbers(),
          gateway.listMessagingServices(),
        ]);
        const senders: OwnedSenders = {
          numbers: new Set(numbers.map((n) => n.phoneNumber)),
          services: new Set(services.map((s) => s.id)),
          readAt: Date.now(),
        };
        this.owned.set(accountId, senders);
        return senders;
      })().finally(() => this.reading.delete(accountId));
      this.reading.set(accountId, reading);
    }
    return reading;
  }
}

/** A messaging service's text is checked by the service (its pool may hold short codes); else the number. */
function owns(senders: OwnedSenders, to: string, messagingServiceSid: string | null): boolean {
  return messagingServiceSid ? senders.services.has(messagingServiceSid) : senders.numbers.has(to);
}
