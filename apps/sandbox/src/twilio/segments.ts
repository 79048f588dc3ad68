import { smsFacts } from '@sms-seq/engine';

/** NumSegments as Twilio reports it (the engine's counting is Twilio's own calculator). */
export function countSegments(body: string): number {
  return Math.max(1, smsFacts(body).segments);
}
