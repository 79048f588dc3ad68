import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  PathItemObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { apiDocsEnabled, type AppConfig } from '../config/config';
import { errorResponse, schemaRef } from '../openapi/api-schemas';
import { apiSchemas } from './api-components';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('SMS Sequences for Keap')
    .setDescription(
      'Console API. Signed-in requests carry the `sms_session` cookie; POST/PUT/PATCH/DELETE also send `x-csrf-token` equal to the `sms_csrf` cookie. Errors: `{ error: { code, message, details? } }` (the ErrorBody schema): `code` is stable for programs, `message` says what to do.',
    )
    .setVersion('1')
    .addCookieAuth('sms_session')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...apiSchemas() },
  };
  documentKeapBudget(document.paths['/api/keap/budget']?.get);
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (operation.security?.some((s) => 'sms_session' in s)) {
        operation.responses['401'] ??= errorResponse(401);
        if (method !== 'get') operation.responses['403'] ??= errorResponse(403);
      }
      if (operation.requestBody) {
        operation.responses['400'] ??= errorResponse(400);
        operation.responses['413'] ??= errorResponse(413);
      }
    }
  }
  return document;
}

/** The Keap budget report's route (analytics/keap-budget*): its answer's schema is KeapBudgetReport. */
function documentKeapBudget(operation: OperationObject | undefined): void {
  if (!operation) return;
  operation.responses['200'] = {
    description: "Keap's shared budget and this account's Keap calls.",
    content: { 'application/json': { schema: schemaRef('KeapBudgetReport') } },
  };
  operation.responses['400'] ??= {
    description: 'last is not a whole number from 1 to 1000.',
    content: { 'application/json': { schema: schemaRef('ErrorBody') } },
  };
}

export const API_DOCS_PATH = 'api/docs';

/**
 * Serves the generated OpenAPI document at /api/docs (JSON at /api/docs-json) when API_DOCS
 * allows (by default not in production).
 */
export function setUpOpenApi(app: INestApplication, config: AppConfig): void {
  if (!apiDocsEnabled(config)) return;
  SwaggerModule.setup(API_DOCS_PATH, app, () => buildOpenApiDocument(app));
}
