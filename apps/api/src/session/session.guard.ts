import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors/domain-error';
import { type Session, SessionStore, sameSecret } from './session.store';

export const SESSION_COOKIE = 'sms_session';
export const CSRF_COOKIE = 'sms_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type SessionRequest = Request & { session?: Session & { id: string } };

/**
 * Signed-in console requests only: 401 without a valid session; 403 when a state-changing request
 * lacks the CSRF header matching the session's token (double-submit: the cookie is readable by the
 * console, not by another site).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SessionRequest>();
    const id = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const session = await this.sessions.find(id);
    if (!session || !id) throw new UnauthorizedError('Sign in: connect Keap to open the console.');
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      const cookie = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
      if (
        typeof header !== 'string' ||
        !cookie ||
        !sameSecret(header, cookie) ||
        !sameSecret(header, session.csrfToken)
      ) {
        throw new ForbiddenError(
          'This page lost track of your sign-in, so the change was not made. Reload the page and try again.',
        );
      }
    }
    req.session = { ...session, id };
    return true;
  }
}

/** Who is signed in, by name (use on routes guarded by SessionGuard); null when not known. */
export const CurrentUserName = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | null =>
    context.switchToHttp().getRequest<SessionRequest>().session?.userName ?? null,
);

/** The signed-in account's id (use on routes guarded by SessionGuard). */
export const CurrentAccountId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const req = context.switchToHttp().getRequest<SessionRequest>();
    if (!req.session) throw new UnauthorizedError('Sign in: connect Keap to open the console.');
    return req.session.accountId;
  },
);
