import { toolDefinitionSchema } from '@sms-seq/engine';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** `$ref` to a component added by `toolApiSchemas`, for the controllers' decorators. */
export const schemaRef = (name: keyof ReturnType<typeof toolApiSchemas>) => ({
  $ref: `#/components/schemas/${name}`,
});

/**
 * The tool definition as the engine defines it (one schema, many uses): `ToolDefinition` is what
 * the API answers (defaults filled in), `ToolDefinitionInput` what it accepts (defaults optional).
 * The other components describe the tools endpoints' answers around it.
 */
export function toolApiSchemas() {
  const json = (io: 'input' | 'output') =>
    z.toJSONSchema(toolDefinitionSchema, {
      target: 'openapi-3.0',
      unrepresentable: 'any',
      io,
    }) as SchemaObject;
  const problem: SchemaObject = {
    type: 'object',
    required: ['path', 'severity', 'code', 'message'],
    properties: {
      path: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
      severity: { type: 'string', enum: ['error', 'warning'] },
      code: { type: 'string' },
      message: { type: 'string' },
    },
  };
  const versionSummary: SchemaObject = {
    type: 'object',
    required: ['id', 'version', 'publishedAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      version: { type: 'integer' },
      publishedAt: { type: 'string', format: 'date-time' },
    },
  };
  const toolDetail: SchemaObject = {
    type: 'object',
    required: [
      'id',
      'name',
      'draft',
      'draftRevision',
      'problems',
      'publishedVersion',
      'hasUnpublishedChanges',
      'enabled',
      'toolUrl',
      'httpPostInstructions',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      draft: { $ref: '#/components/schemas/ToolDefinition' },
      draftRevision: { type: 'integer' },
      problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } },
      publishedVersion: {
        allOf: [{ $ref: '#/components/schemas/VersionSummary' }],
        nullable: true,
      },
      hasUnpublishedChanges: { type: 'boolean' },
      enabled: { type: 'boolean' },
      toolUrl: {
        type: 'string',
        description: 'The URL for Keap\'s campaign "Send HTTP Post" (holds a secret).',
      },
      httpPostInstructions: { type: 'array', items: { type: 'string' } },
    },
  };
  return {
    ToolDefinition: json('output'),
    ToolDefinitionInput: json('input'),
    Problem: problem,
    VersionSummary: versionSummary,
    PublishResult: {
      allOf: [
        { $ref: '#/components/schemas/VersionSummary' },
        {
          type: 'object',
          required: ['warnings'],
          properties: {
            warnings: {
              type: 'array',
              items: { $ref: '#/components/schemas/Problem' },
              description: 'About the sender: not pointed at this app, sticky sender off.',
            },
          },
        },
      ],
    } as SchemaObject,
    ToolDetail: toolDetail,
  };
}
