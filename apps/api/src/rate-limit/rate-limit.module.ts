import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimits } from './rate-limits';

/** Per-client limits on the endpoints anyone can call (the API process only). */
@Global()
@Module({
  providers: [RateLimits, RateLimitGuard],
  exports: [RateLimits, RateLimitGuard],
})
export class RateLimitModule {}
