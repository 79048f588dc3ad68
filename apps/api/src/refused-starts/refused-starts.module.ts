import { Module } from '@nestjs/common';
import { RefusedStartRepository } from './refused-start.repository';

/**
 * Campaign starts that started nothing, kept for the console: refused at once by the tool URL
 * (`inbound`) or by the worker that performs them (`conversations`), read by the history.
 */
@Module({
  providers: [RefusedStartRepository],
  exports: [RefusedStartRepository],
})
export class RefusedStartsModule {}
