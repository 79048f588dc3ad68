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
      // DTOs word their refusals as sentences for a person; zod's own words ("Invalid input:
      // expected string") are for programs, which find them with their paths in details.
      const said = details[0]?.message ?? '';
      const message = isSentence(said)
        ? said
        : 'The request holds a value the console never sends. Reload the page and try again.';
      return [400, { error: { code: 'invalid_input', message, details } }];
    }
    if (exception instanceof HttpException) {
      // Nest's own words ("Cannot GET /api/x", "Unexpected token … in JSON") are not what to do.
      const status = exception.getStatus();
      const message =
        status === 400 && /JSON/.test(exception.message) ? NOT_JSON : httpStatusMessage(status);
      return [status, { error: { code: `http_${status}`, message } }];
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

const NOT_JSON =
  'What was sent could not be read (it is not valid JSON). Reload the page and try again.';

function isSentence(text: string): boolean {
  return /^[A-Z“"].*[.!?]$/s.test(text.trim());
}

function httpStatusMessage(status: number): string {
  if (status === 404) return 'There is nothing at this address. Reload the console and try again.';
  if (status === 405)
    return 'This address does not take that kind of request. Reload the console and try again.';
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  return 'The request was refused. Reload the page and try again.';
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
            'What was sent is too large (over 100 kB; a tool fits in well under that). Shorten it and try again.',
        },
      },
    ];
  }
  if (e.type === 'entity.parse.failed') {
    return [
      400,
      {
        error: { code: 'invalid_json', message: NOT_JSON },
      },
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
