import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { KeapAuthError, KeapClientCredentialsError } from '@sms-seq/crm-keap';
import type { Response } from 'express';
import { catchError, from, type Observable, switchMap, throwError } from 'rxjs';
import type { SessionRequest } from '../../session/session.guard';
import { KeapDisconnectedError } from './keap-disconnected.error';
import { KeapDisconnection } from './keap-disconnection';
import {
  KEAP_REFUSED_REASON,
  KeapAppMisconfiguredError,
  KeapUnavailableError,
  keapFailureToDomain,
} from './keap-failure';

/**
 * Registered for the whole app, so that no endpoint answers a Keap outage with a bare 500: every
 * Keap failure a handler lets through is mapped by `keapFailureToDomain`, and a 503 says when to
 * come back (Retry-After). Keap refusing our access even after a token refresh (a picker's 401 or
 * a refused refresh) marks the account disconnected and ends its console sessions (see
 * KeapDisconnection), and the account's tools stop starting conversations until Keap is connected
 * again. A 403 (the Keap user may not do this one thing) and Keap refusing the app's own client
 * credentials (the deployment is misconfigured) leave the account connected.
 */
@Injectable()
export class KeapFailureInterceptor implements NestInterceptor {
  private readonly logger = new Logger(KeapFailureInterceptor.name);

  constructor(private readonly disconnection: KeapDisconnection) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      catchError((err: unknown) => {
        const req = context.switchToHttp().getRequest<SessionRequest>();
        const accountId = req.session?.accountId;
        const mapped = keapFailureToDomain(err, accountId);
        if (err instanceof KeapClientCredentialsError) {
          this.logger.error(
            `Keap refused the app's client credentials (KEAP_CLIENT_ID / KEAP_CLIENT_SECRET) for account ${accountId ?? 'none'}; no account was disconnected`,
          );
        }
        if (mapped instanceof KeapUnavailableError || mapped instanceof KeapAppMisconfiguredError) {
          context
            .switchToHttp()
            .getResponse<Response>()
            .setHeader('Retry-After', String(mapped.retryAfterSeconds));
        }
        if (err instanceof KeapAuthError && mapped instanceof KeapDisconnectedError && accountId) {
          return from(this.markDisconnected(accountId)).pipe(
            switchMap(() => throwError(() => mapped)),
          );
        }
        return throwError(() => mapped);
      }),
    );
  }

  private async markDisconnected(accountId: string): Promise<void> {
    try {
      await this.disconnection.disconnect(accountId, KEAP_REFUSED_REASON);
      this.logger.warn(`Keap refused access for account ${accountId}; marked disconnected`);
    } catch (err) {
      this.logger.error(`Could not mark account ${accountId} disconnected: ${(err as Error).name}`);
    }
  }
}
