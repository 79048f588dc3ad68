import type { ConversationStatus, Problem, ToolDefinition } from '@sms-seq/engine';
import type { components, operations } from './openapi.gen';

/**
 * The shapes of the API's answers and requests, from its OpenAPI document (`openapi.gen.ts`,
 * generated from apps/api/openapi.json by `pnpm --filter @sms-seq/web api-types`; a unit test
 * fails when it is stale). Where the API answers with an engine shape (a tool definition, its
 * problems), the engine's own type is used: it is more precise (problem codes, field keys), and
 * the checks at the end of this file prove that it is what the document describes.
 */
type Schemas = components['schemas'];
type JsonBody<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type Session = Schemas['Session'];
export type ToolSummary = Schemas['ToolSummary'];
export type ToolVersionRef = Schemas['VersionSummary'];
export type ToolList = Schemas['ToolList'];
export type VersionList = Schemas['VersionList'];
/** A published version in the history: when, by whom, what it changed in words. */
export type VersionHistoryEntry = Schemas['VersionHistoryEntry'];
/** GET /api/tools/:id/versions/:versionId: one version, read-only. */
export type ToolVersionDetail = Omit<Schemas['ToolVersionDetail'], 'definition'> & {
  definition: ToolDefinition;
};
/** Shaped like the engine's problems; about the Twilio side of the sender, which the engine cannot see. */
export type SenderWarning = Schemas['SenderWarning'];
/** POST /api/tools/:id/publish: the new version, and what Twilio would not do for its sender. */
export type PublishResult = Schemas['PublishResult'];
export type ToolDetail = Omit<Schemas['ToolDetail'], 'draft' | 'problems'> & {
  draft: ToolDefinition;
  problems: Problem[];
};
/** POST /api/tools/import: the new draft, and how a file from another Keap app was matched. */
export type ToolImportResult = ToolDetail & Pick<Schemas['ToolImportResult'], 'mapped'>;
/** The details of 409 import_needs_choices: what is matched, and what to choose. */
export type ImportQuestions = Schemas['ImportQuestions'];
export type ImportMapping = ImportQuestions['mapped'][number];
/** POST /api/tools/import's choices, beside the file. */
export type ImportChoices = Omit<JsonBody<'ToolController_import'>, 'definition'>;
/** GET /api/templates: a ready sequence; its definition's tag ids stand for `tags` (by name). */
export type ToolTemplate = Omit<Schemas['ToolTemplate'], 'definition'> & {
  definition: ToolDefinition;
};

export type TwilioPhoneNumber = Schemas['PhoneNumber'];
export type TwilioMessagingService = Schemas['MessagingService'];
export type Senders = Schemas['Senders'];
export type AvailableNumber = Schemas['AvailableNumber'];
export type AvailableNumbers = Schemas['AvailableNumbers'];
export type TwilioConnected = Schemas['TwilioConnected'];
/** PUT /api/twilio/connection. */
export type TwilioCredentials = JsonBody<'TwilioConnectionController_connect'>;
/** GET /api/twilio/available-numbers. */
export type NumberSearch = Required<Query<'TwilioConnectionController_available'>>;

export type AccountField = Schemas['FieldOption'];
export type AccountTag = Schemas['TagOption'];
export type FieldList = Schemas['FieldList'];
/** POST /api/keap/fields: a new Keap custom field ("+" beside the field picker). */
export type NewField = JsonBody<'KeapPickersController_createField'>;
export type TagList = Schemas['TagList'];

export type StepFunnel = Schemas['StepFunnel'];
export type Analytics = Schemas['ToolAnalytics'];
/** A way from one step to the next, and how many conversations went that way. */
export type RouteCount = Analytics['routes'][number];

export type ConversationSummary = Schemas['ConversationSummary'];
export type ConversationPage = Schemas['ConversationPage'];
export type ConversationMessage = Schemas['ConversationMessage'];
export type ConversationRecord = Schemas['ConversationRecord'];
export type ConversationDetail = Schemas['ConversationDetail'];
/** The list's filters the console offers (GET /api/conversations). */
export type ConversationFilter = Pick<
  Query<'ConversationHistoryController_list'>,
  'toolId' | 'status' | 'q'
>;
/** A keyword text that started nothing (Keap was disconnected), kept with the reason. */
export type RefusedStart = Schemas['RefusedStart'];
export type RefusedStarts = Schemas['RefusedStarts'];

/** GET /api/opt-outs: a number that gets nothing more from a sender, and why. */
export type OptOut = Schemas['OptOut'];
export type OptOutPage = Schemas['OptOutPage'];

/** GET /api/keap/budget. */
export type KeapBudgetReport = Schemas['KeapBudgetReport'];
export type KeapBudgetWindow = KeapBudgetReport['account']['minute'];
export type CallsPerConversation = KeapBudgetReport['perConversation']['total'];

// The engine types used above are what the API document says (checked by `tsc`): every value of
// the engine's type is one the document allows, with the same properties, and the conversation
// statuses are the same set.
type Extends<A, B> = [A] extends [B] ? true : false;
type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? true
    : false
  : false;
type Same<A, B> = Extends<A, B> extends true ? Extends<B, A> : false;
type Holds<T extends true> = T;
export type EngineShapesAgree = [
  Holds<Extends<ToolDefinition, Schemas['ToolDefinition']>>,
  Holds<SameKeys<ToolDefinition, Schemas['ToolDefinition']>>,
  Holds<SameKeys<ToolDefinition['steps'][number], Schemas['ToolDefinition']['steps'][number]>>,
  Holds<SameKeys<ToolDefinition['options'], Schemas['ToolDefinition']['options']>>,
  Holds<Extends<Problem, Schemas['Problem']>>,
  Holds<SameKeys<Problem, Schemas['Problem']>>,
  Holds<Same<ConversationStatus, Schemas['ConversationStatus']>>,
  Holds<Same<ConversationStatus, ConversationSummary['status']>>,
  Holds<Same<ToolDefinition['sender'], ToolSummary['sender']>>,
];
