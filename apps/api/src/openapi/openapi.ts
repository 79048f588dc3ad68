import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { toolApiSchemas } from './tool-schemas';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('SMS Sequences for Keap')
    .setDescription(
      'Console API. Signed-in requests carry the `sms_session` cookie; POST/PUT/PATCH/DELETE also send `x-csrf-token` equal to the `sms_csrf` cookie. Errors: `{ error: { code, message, details? } }`.',
    )
    .setVersion('1')
    .addCookieAuth('sms_session')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...toolApiSchemas() },
  };
  return document;
}

/** Serves the generated OpenAPI document at /api/docs (JSON at /api/docs-json). */
export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app));
}
