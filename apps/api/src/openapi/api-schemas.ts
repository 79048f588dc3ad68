import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { ERROR_CODES, HTTP_STATUS_CODE } from '../errors/error-codes';
import type { ErrorBody } from '../errors/http-exception.filter';
import type { Assert, Same } from './same-type';

/** Every error answer: `{ error: { code, message, details? } }` (errors/http-exception.filter.ts). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.union([z.enum(ERROR_CODES), z.string().regex(HTTP_STATUS_CODE)]).meta({
      description:
        'Stable, for programs: one of the listed codes, or http_<status> for a request refused before any route handled it (an unknown route: http_404)',
    }),
    message: z.string().meta({ description: 'For a person: what went wrong and what to do' }),
    details: z
      .unknown()
      .optional()
      .meta({ description: 'e.g. the problems with their paths, or which credential was refused' }),
  }),
});
export type ErrorBodyMatches = Assert<Same<z.infer<typeof errorBodySchema>, ErrorBody>>;

/**
 * The document's components (app/api-components.ts lists their schemas; it fails to compile when
 * the two lists differ), named here so that controllers can refer to them without importing every
 * feature's DTOs.
 */
export type ComponentName =
  | 'ToolDefinition'
  | 'Sender'
  | 'Problem'
  | 'VersionSummary'
  | 'VersionList'
  | 'VersionHistoryEntry'
  | 'ToolVersionDetail'
  | 'SenderWarning'
  | 'PublishResult'
  | 'ToolSummary'
  | 'ToolList'
  | 'ToolDetail'
  | 'ToolFile'
  | 'ToolImportResult'
  | 'ImportQuestions'
  | 'ToolTemplate'
  | 'ToolTemplateList'
  | 'Outcome'
  | 'ConversationState'
  | 'SimulationTurn'
  | 'SimulationResult'
  | 'StepFunnel'
  | 'ToolAnalytics'
  | 'ConversationStatus'
  | 'ConversationSummary'
  | 'ConversationPage'
  | 'ConversationRecord'
  | 'ConversationMessage'
  | 'ConversationDetail'
  | 'RefusedStart'
  | 'RefusedStarts'
  | 'OptOut'
  | 'OptOutPage'
  | 'Session'
  | 'TwilioConnected'
  | 'PhoneNumber'
  | 'MessagingService'
  | 'Senders'
  | 'AvailableNumber'
  | 'AvailableNumbers'
  | 'FieldOption'
  | 'FieldList'
  | 'TagOption'
  | 'TagList'
  | 'KeapBudgetReport'
  | 'ErrorBody'
  | 'ToolDefinitionInput';

/** `$ref` to a component, for the controllers' decorators. */
export const schemaRef = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

/** OpenAPI 3.0 has no `$id`; zod's registry output carries one per component. */
export function withoutIds(schema: unknown): SchemaObject {
  return JSON.parse(JSON.stringify(schema), (key: string, value: unknown) =>
    key === '$id' ? undefined : value,
  ) as SchemaObject;
}

/** A request body as its zod schema accepts it (defaults optional). */
export function ApiBodyFrom(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: inputSchema(schema) });
}

/** One query parameter per property of the zod schema that parses the query. */
export function ApiQueryFrom(schema: z.ZodObject): MethodDecorator {
  const json = inputSchema(schema);
  const required = new Set(json.required ?? []);
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) => {
      const { description, ...rest } = property as SchemaObject;
      return ApiQuery({
        name,
        required: required.has(name),
        schema: rest,
        ...(description ? { description } : {}),
      });
    }),
  );
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: error.message says which field and why (invalid_input, …).',
  401: 'Not signed in: connect Keap to open the console (unauthorized).',
  403: 'A state change without the x-csrf-token header matching the sms_csrf cookie (forbidden); or Keap did not allow this for the Keap user who connected the app (keap_forbidden: Keap stays connected).',
  404: 'Not found, or not this account’s (another account’s ids are never found).',
  413: 'The request body is too large (payload_too_large).',
  409: 'Conflicts with the account’s state: Keap disconnected (keap_disconnected), Twilio not connected, the saved Twilio credentials rejected by Twilio (twilio_credentials_rejected), a number Twilio would not sell (twilio_refused: error.message gives Twilio’s reason), a stale draft, a keyword taken, a Keap field of the same label (keap_field_exists).',
  422: 'The tool has problems to fix before it can be published (details: the problems).',
  429: 'Too many requests from this address (rate_limited): try again after Retry-After seconds.',
  502: 'Twilio could not do it (twilio_unavailable): try again.',
  503: 'Keap did not answer (keap_unavailable): nothing was changed; try again after Retry-After seconds. Or Keap refused this app’s own client credentials (keap_app_misconfigured): the app’s set-up is at fault, the Keap connection is kept.',
};

/** The error answers a route can give, each `{ error: { code, message, details? } }`. */
export function ApiErrors(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status] ?? 'An error.',
        schema: schemaRef('ErrorBody'),
      }),
    ),
  );
}

/**
 * Error answers every route of a kind gives (added by openapi.ts): 401 when signed in, 403 on
 * state changes, 400 (invalid JSON) and 413 (too large) for a request body.
 */
export function errorResponse(status: 400 | 401 | 403 | 413) {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? '',
    content: { 'application/json': { schema: schemaRef('ErrorBody') } },
  };
}

function inputSchema(schema: z.ZodType): SchemaObject {
  return withoutIds(
    z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }),
  );
}
