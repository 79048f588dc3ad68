import { Injectable } from '@nestjs/common';

/**
 * The time of day as the runtime reads it for quiet hours (the engine itself never reads a
 * clock). A provider of its own so that a test can set the hour instead of waiting for it.
 */
@Injectable()
export class WallClock {
  now(): number {
    return Date.now();
  }
}
