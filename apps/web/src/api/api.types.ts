import type { ConversationStatus, Problem, StartMode, ToolDefinition } from '@sms-seq/engine';

/**
 * The shapes of the API's answers (see the API contract). Tool definitions themselves are the
 * engine's types: these only wrap them.
 */

export interface Session {
  account: {
    id: string;
    name: string;
    keapAppName: string;
    status: 'active' | 'disconnected';
    statusReason: string | null;
  };
  keap: { connected: boolean; expiresAt: string | null };
  twilio: { connected: boolean; accountSid: string | null };
}

export interface ToolSummary {
  id: string;
  name: string;
  status: 'draft' | 'published';
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
  enabled: boolean;
  sender: ToolDefinition['sender'];
  keyword: string | null;
  startMode: StartMode;
  conversationsToday: number;
}

export interface ToolVersionRef {
  id: string;
  version: number;
  publishedAt: string;
}

/** Shaped like the engine's problems; about the Twilio side of the sender, which the engine cannot see. */
export interface SenderWarning extends Omit<Problem, 'code' | 'severity'> {
  severity: 'warning';
  code: 'sticky_sender_off' | 'sender_not_connected';
}

/** POST /api/tools/:id/publish: the new version, and what Twilio would not do for its sender. */
export interface PublishResult extends ToolVersionRef {
  warnings: SenderWarning[];
}

export interface ToolDetail {
  id: string;
  name: string;
  draft: ToolDefinition;
  draftRevision: number;
  problems: Problem[];
  publishedVersion: ToolVersionRef | null;
  hasUnpublishedChanges: boolean;
  enabled: boolean;
  toolUrl: string;
  httpPostInstructions: string[];
}

export interface TwilioPhoneNumber {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string | null;
  connected: boolean;
}

export interface TwilioMessagingService {
  sid: string;
  friendlyName: string;
  stickySender: boolean;
  phoneNumbers: string[];
}

export interface Senders {
  phoneNumbers: TwilioPhoneNumber[];
  messagingServices: TwilioMessagingService[];
}

export interface AvailableNumber {
  phoneNumber: string;
  locality: string | null;
  region: string | null;
}

export interface AccountField {
  key: string;
  label: string;
  kind: string;
  custom: boolean;
}

export interface AccountTag {
  id: number;
  name: string;
  category: string | null;
}

export interface StepFunnel {
  stepId: string;
  name: string;
  received: number;
  replied: number;
  branches: { conditionId: string; label: string; count: number }[];
  optedOut: number;
  expired: number;
}

export interface Analytics {
  /** null while the tool has no published version (the steps are then the draft's, all at zero). */
  versionId: string | null;
  steps: StepFunnel[];
  started: number;
  finished: number;
}

export interface ConversationSummary {
  id: string;
  toolId: string;
  toolName: string;
  /** null for a conversation whose version is gone (never expected, but the API allows it). */
  version: number | null;
  phone: string;
  contactId: number | null;
  status: ConversationStatus;
  currentStepId: string | null;
  startedAt: string;
  lastActivityAt: string;
  trigger: string;
}

export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

export interface ConversationMessage {
  id: string;
  direction: 'in' | 'out';
  body: string;
  mediaUrls: string[];
  status: string;
  errorCode: string | number | null;
  createdAt: string;
  stepId: string | null;
}

/** The detail's conversation: the list row's fields, less the tool's name and version (it names the version by id). */
export interface ConversationRecord extends Omit<ConversationSummary, 'toolName' | 'version'> {
  toolVersionId: string | null;
  endedAt: string | null;
  expiresAt: string | null;
}

export interface ConversationDetail {
  conversation: ConversationRecord;
  messages: ConversationMessage[];
  events: { type: string; detail: unknown; createdAt: string }[];
  contactUrl: string | null;
}

export interface ConversationFilter {
  toolId?: string;
  status?: ConversationStatus;
  q?: string;
}

/** GET /api/keap/budget (apps/api keap-budget AccountKeapBudgetReport). */
export interface KeapBudgetWindow {
  limit: number;
  used: number;
  left: number;
}
export interface CallsPerConversation {
  average: number;
  max: number;
}
export interface KeapBudgetReport {
  at: string;
  app: {
    second: KeapBudgetWindow;
    minute: KeapBudgetWindow;
    day: KeapBudgetWindow;
    pausedForMs: number;
    waiting: { interactive: number; background: number };
  };
  account: {
    calls: Record<string, number>;
    total: number;
    throttled: number;
    minute: KeapBudgetWindow;
    day: KeapBudgetWindow;
  };
  perConversation: {
    window: number;
    conversations: number;
    total: CallsPerConversation;
    reads: CallsPerConversation;
    writes: CallsPerConversation;
    byKind: Record<string, CallsPerConversation>;
  };
}
