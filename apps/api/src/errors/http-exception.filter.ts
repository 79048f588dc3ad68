import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { ZodError } from 'zod';
import { DomainError, TooManyRequestsError } from './domain-error';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The one place errors become HTTP answers: `{ error: { code, message, details? } }`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toAnswer(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (exception instanceof TooManyRequestsError)
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.status(status).json(body);
  }

  private toAnswer(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      return [
        exception.status,
        { error: { code: exception.code, message: exception.message, details: exception.details } },
      ];
    }
    if (exception instanceof ZodError) {
      const details = exception.issues.map((i) => ({ path: i.path, message: i.message }));
      const first = details[0];
      const message = first
        ? `${first.path.join('.') || 'body'}: ${first.message}`
        : 'The request is invalid.';
      return [400, { error: { code: 'invalid_input', message, details } }];
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : Array.isArray((response as { message?: unknown }).message)
            ? (response as { message: string[] }).message.join('; ')
            : String((response as { message?: unknown }).message ?? exception.message);
      return [exception.getStatus(), { error: { code: `http_${exception.getStatus()}`, message } }];
    }
    const client = clientRequestError(exception);
    if (client) return client;
    return [
      500,
      {
        error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' },
      },
    ];
  }
}

/**
 * Express middleware (the JSON body parser) rejects some requests before any handler runs, with a
 * 4xx `status` and a `type`: answer those as what they are, not as our failure.
 */
function clientRequestError(exception: unknown): [number, ErrorBody] | null {
  const e = exception as { status?: unknown; type?: unknown; expose?: unknown } | null;
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status >= 500 || e.expose !== true)
    return null;
  if (e.type === 'entity.too.large') {
    return [
      413,
      {
        error: {
          code: 'payload_too_large',
          message:
            'The request body is too large. Send less data (a tool definition fits in well under 100 kB).',
        },
      },
    ];
  }
  if (e.type === 'entity.parse.failed') {
    return [
      400,
      { error: { code: 'invalid_json', message: 'The request body is not valid JSON.' } },
    ];
  }
  return [
    e.status,
    {
      error: {
        code: `http_${e.status}`,
        message: 'The request could not be read. Check its body and Content-Type.',
      },
    },
  ];
}
