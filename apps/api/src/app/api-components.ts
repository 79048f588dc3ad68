import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { senderSchema, toolDefinitionSchema } from '@sms-seq/engine';
import { z } from 'zod';
import { toolAnalyticsSchema, stepFunnelSchema } from '../analytics/tool-analytics.dto';
import {
  conversationDetailSchema,
  conversationMessageSchema,
  conversationPageSchema,
  conversationRecordSchema,
  conversationSummarySchema,
  refusedStartSchema,
  refusedStartsSchema,
} from '../conversation-history/conversation-history.dto';
import {
  fieldListSchema,
  fieldOptionSchema,
  tagListSchema,
  tagOptionSchema,
} from '../keap/pickers/keap-pickers.dto';
import { optOutPageSchema, optOutSchema } from '../opt-outs/opt-outs.dto';
import { sessionViewSchema } from '../session/session.dto';
import {
  conversationStateSchema,
  outcomeSchema,
  simulationResultSchema,
  simulationTurnSchema,
} from '../tools/simulation.dto';
import {
  problemSchema,
  publishResultSchema,
  senderWarningSchema,
  toolDetailSchema,
  toolListSchema,
  toolSummarySchema,
  toolVersionDetailSchema,
  versionHistoryEntrySchema,
  versionListSchema,
  versionSummarySchema,
} from '../tools/tool.dto';
import {
  importQuestionsSchema,
  toolFileSchema,
  toolImportResultSchema,
} from '../tools/tool-file.dto';
import {
  availableNumberSchema,
  availableNumbersSchema,
  messagingServiceViewSchema,
  phoneNumberViewSchema,
  sendersSchema,
  twilioConnectedSchema,
} from '../twilio/connection/twilio-connection.dto';
import { toolTemplateListSchema, toolTemplateSchema } from '../templates/template.dto';
import { conversationStatusSchema } from '../openapi/conversation-status.schema';
import { keapBudgetReportSchema } from '../analytics/keap-budget.schema';
import { type ComponentName, errorBodySchema, withoutIds } from '../openapi/api-schemas';
import type { Assert, Same } from '../openapi/same-type';

/**
 * The answers' schemas, by component name. They are the code's own zod schemas (the services'
 * return types are inferred from them), so the document says what the API answers.
 */
const COMPONENTS = {
  ToolDefinition: toolDefinitionSchema,
  Sender: senderSchema,
  Problem: problemSchema,
  VersionSummary: versionSummarySchema,
  VersionList: versionListSchema,
  VersionHistoryEntry: versionHistoryEntrySchema,
  ToolVersionDetail: toolVersionDetailSchema,
  SenderWarning: senderWarningSchema,
  PublishResult: publishResultSchema,
  ToolSummary: toolSummarySchema,
  ToolList: toolListSchema,
  ToolDetail: toolDetailSchema,
  ToolFile: toolFileSchema,
  ToolImportResult: toolImportResultSchema,
  ImportQuestions: importQuestionsSchema,
  ToolTemplate: toolTemplateSchema,
  ToolTemplateList: toolTemplateListSchema,
  Outcome: outcomeSchema,
  ConversationState: conversationStateSchema,
  SimulationTurn: simulationTurnSchema,
  SimulationResult: simulationResultSchema,
  StepFunnel: stepFunnelSchema,
  ToolAnalytics: toolAnalyticsSchema,
  ConversationStatus: conversationStatusSchema,
  ConversationSummary: conversationSummarySchema,
  ConversationPage: conversationPageSchema,
  ConversationRecord: conversationRecordSchema,
  ConversationMessage: conversationMessageSchema,
  ConversationDetail: conversationDetailSchema,
  RefusedStart: refusedStartSchema,
  RefusedStarts: refusedStartsSchema,
  OptOut: optOutSchema,
  OptOutPage: optOutPageSchema,
  Session: sessionViewSchema,
  TwilioConnected: twilioConnectedSchema,
  PhoneNumber: phoneNumberViewSchema,
  MessagingService: messagingServiceViewSchema,
  Senders: sendersSchema,
  AvailableNumber: availableNumberSchema,
  AvailableNumbers: availableNumbersSchema,
  FieldOption: fieldOptionSchema,
  FieldList: fieldListSchema,
  TagOption: tagOptionSchema,
  TagList: tagListSchema,
  KeapBudgetReport: keapBudgetReportSchema,
  ErrorBody: errorBodySchema,
} as const satisfies Record<Exclude<ComponentName, 'ToolDefinitionInput'>, z.ZodType>;

// Every name the controllers may refer to has a schema, and every schema a name.
type Listed = keyof typeof COMPONENTS | 'ToolDefinitionInput';
export type ComponentNamesMatch = Assert<Same<Listed, ComponentName>>;

const uri = (id: string) => `#/components/schemas/${id}`;

/** The components: the answers (as the API writes them) and the tool definition it accepts. */
export function apiSchemas(): Record<ComponentName, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const answers = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io: 'output',
    uri,
  }).schemas;
  const input = z.toJSONSchema(toolDefinitionSchema, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io: 'input',
  });
  return withoutIds({ ...answers, ToolDefinitionInput: input }) as Record<
    ComponentName,
    SchemaObject
  >;
}
