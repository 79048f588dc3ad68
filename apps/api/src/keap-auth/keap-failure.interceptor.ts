import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { catchError, type Observable, throwError } from 'rxjs';
import type { SessionRequest } from '../session/session.guard';
import { KeapUnavailableError, keapFailureToDomain } from './keap-failure';

/**
 * Registered for the whole app, so that no endpoint answers a Keap outage with a bare 500: every
 * Keap failure a handler lets through is mapped by `keapFailureToDomain`, and a 503 says when to
 * come back (Retry-After).
 */
@Injectable()
export class KeapFailureInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      catchError((err: unknown) => {
        const req = context.switchToHttp().getRequest<SessionRequest>();
        const mapped = keapFailureToDomain(err, req.session?.accountId);
        if (mapped instanceof KeapUnavailableError) {
          context
            .switchToHttp()
            .getResponse<Response>()
            .setHeader('Retry-After', String(mapped.retryAfterSeconds));
        }
        return throwError(() => mapped);
      }),
    );
  }
}
