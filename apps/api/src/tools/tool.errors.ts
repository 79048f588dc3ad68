import type { Problem, Sender } from '@sms-seq/engine';
import { DomainError } from '../errors/domain-error';
import type { ImportQuestions } from './tool-file.dto';

export class ToolHasProblemsError extends DomainError {
  readonly status = 422;
  readonly code = 'tool_has_problems';
  constructor(problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `The tool has ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix before it can be published.`,
      problems,
    );
  }
}

export class InvalidToolDefinitionError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_tool_definition';
  constructor(problems: Problem[]) {
    super(
      `The tool was not saved: it has ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix first.`,
      problems,
    );
  }
}

export class StaleDraftError extends DomainError {
  readonly status = 409;
  readonly code = 'stale_draft';
  constructor() {
    super(
      'Someone saved this tool since you opened it. Reload to see their changes, then edit again.',
    );
  }
}

/** Publishing the draft the live version already is would only add a copy to the history. */
export class NothingToPublishError extends DomainError {
  readonly status = 409;
  readonly code = 'nothing_to_publish';
  constructor(liveVersion: number) {
    super(
      `Nothing changed since version ${liveVersion} went live, so there is nothing to publish. Edit the draft first.`,
    );
  }
}

/** A draft never published has no live version to go back to. */
export class NothingToDiscardError extends DomainError {
  readonly status = 409;
  readonly code = 'nothing_to_discard';
  constructor() {
    super(
      'This tool has never been published, so there is no live version to go back to. Edit the draft instead.',
    );
  }
}

export class KeywordTakenError extends DomainError {
  readonly status = 409;
  readonly code = 'keyword_taken';
  constructor(keyword: string) {
    super(
      `Another published tool already uses the keyword "${keyword}" on this sender. Choose another keyword.`,
    );
  }
}

/** Texts to a sender reach the Twilio account that owns it: a tool may use only its account's own. */
export class SenderNotInTwilioAccountError extends DomainError {
  readonly status = 422;
  readonly code = 'sender_not_in_twilio_account';
  constructor(sender: Sender) {
    super(
      `${senderNamed(sender)} is not in the Twilio account connected to this Keap app, so the tool cannot text from it. Choose one of your own numbers or messaging services under Sender (Connections lists them), then publish again.`,
    );
  }
}

function senderNamed(sender: Sender): string {
  return sender.kind === 'phone_number'
    ? `The number ${sender.phoneNumber}`
    : `The messaging service ${sender.messagingServiceSid}`;
}

/** A file from another Keap app whose tags or fields need the person's choice before importing. */
export class ImportNeedsChoicesError extends DomainError {
  readonly status = 409;
  readonly code = 'import_needs_choices';
  constructor(questions: ImportQuestions) {
    const asks = [
      ...(questions.missingTags.length ? ['whether to create the tags it lacks'] : []),
      ...(questions.unmapped.length ? ['which of its fields to use'] : []),
    ];
    super(
      `This tool comes from another Keap app. Choose ${asks.join(' and ')}, then import it again.`,
      questions,
    );
  }
}
