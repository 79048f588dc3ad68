import { Router } from 'express';

/** The Twilio stand-in's state: accounts, numbers, messaging services, messages, opt-outs. */
export class TwilioSandbox {
  constructor(readonly options: { publicUrl: string }) {}
}

export function twilioRouter(_sandbox: TwilioSandbox): Router {
  return Router();
}
