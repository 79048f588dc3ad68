import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from './conversation-runtime.service';
import { ConversationRepository } from './conversation.repository';

/** Reminders and expiry: the worker runs this on a timer. */
@Injectable()
export class ExpirySweep {
  constructor(
    private readonly runtime: ConversationRuntime,
    private readonly conversations: ConversationRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Sends `tick` to conversations whose reminder or expiry is due. Not while a question of the
   * conversation is still waiting to go out (quiet hours, the sender's rate, refused credentials):
   * the contact has not seen it, so it can neither be reminded of it nor have failed to answer
   * it; when it goes out the clock starts from then (ConversationRuntime.questionWentOut).
   * A question held longer than HELD_QUESTION_MAX_MINUTES (credentials never fixed, an outcome
   * Twilio never tells) no longer holds the expiry back: the conversation expires, and the
   * question, if it can go out later, is held back (conversation_expired) rather than sent days
   * late into a conversation the contact has long forgotten.
   */
  async run(): Promise<void> {
    const heldAtMostMs = this.config.HELD_QUESTION_MAX_MINUTES * this.config.CONVERSATION_MINUTE_MS;
    for (const id of await this.conversations.dueForTick(heldAtMostMs)) {
      const now = new Date();
      await this.runtime.applyEvent(id, (c) =>
        c.nextTickAt && c.nextTickAt <= now
          ? { type: 'tick', at: this.runtime.clock.engineTimeOfTick(c.state, now) }
          : null,
      );
    }
  }
}
