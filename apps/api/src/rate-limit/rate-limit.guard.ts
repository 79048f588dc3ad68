import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TooManyRequestsError } from '../errors/domain-error';
import { type RateLimitName, RateLimits } from './rate-limits';

const RATE_LIMIT = 'rate-limit';

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<RateLimitName | undefined>(RATE_LIMIT, context.getHandler());
    if (!name) return true;
    // req.ip honours TRUST_PROXY (configureApp sets Express's `trust proxy`).
    const retryAfter = await this.limits.take(
      name,
      context.switchToHttp().getRequest<Request>().ip,
    );
    if (retryAfter !== null) throw new TooManyRequestsError(retryAfter);
    return true;
  }
}

/** Limits the route per client address (RateLimits; the limit is configuration). */
export function RateLimited(name: RateLimitName) {
  return applyDecorators(SetMetadata(RATE_LIMIT, name), UseGuards(RateLimitGuard));
}
