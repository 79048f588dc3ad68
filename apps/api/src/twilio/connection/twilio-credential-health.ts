import { SmsCredentialsRejectedError, type SmsGateway } from '../../ports/sms-gateway.port';
import type { TwilioCredentials } from './twilio-credentials';

/** What a gateway reports about the credentials it calls Twilio with. */
export interface CredentialWatch {
  /** The credentials were marked rejected when the gateway was made: an accepted call clears it. */
  wasRejected: boolean;
  rejected(err: SmsCredentialsRejectedError): Promise<void>;
  accepted(): Promise<void>;
}

/**
 * The gateway, reporting on every call whether Twilio took the credentials: a refusal (20003 /
 * 401) is reported before the error goes on to the caller, and the first accepted call after a
 * refusal reports them healthy again (no extra work while they are healthy). The report never
 * replaces the call's own outcome: a failure to record it is dropped, the call's answer or error
 * stands.
 */
export function watchCredentials(gateway: SmsGateway, watch: CredentialWatch): SmsGateway {
  let wasRejected = watch.wasRejected;
  const run = async <T>(call: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await call();
    } catch (err) {
      if (err instanceof SmsCredentialsRejectedError) {
        wasRejected = true;
        await watch.rejected(err).catch(() => undefined);
      }
      throw err;
    }
    if (wasRejected) {
      wasRejected = false;
      await watch.accepted().catch(() => undefined);
    }
    return result;
  };
  return {
    verifyCredentials: () => run(() => gateway.verifyCredentials()),
    send: (message) => run(() => gateway.send(message)),
    findSent: (message, since) => run(() => gateway.findSent(message, since)),
    listReceived: (to, since) => run(() => gateway.listReceived(to, since)),
    checkLineType: (phoneNumber) => run(() => gateway.checkLineType(phoneNumber)),
    listNumbers: () => run(() => gateway.listNumbers()),
    listMessagingServices: () => run(() => gateway.listMessagingServices()),
    searchAvailableNumbers: (search) => run(() => gateway.searchAvailableNumbers(search)),
    buyNumber: (phoneNumber, webhook) => run(() => gateway.buyNumber(phoneNumber, webhook)),
    connectInboundWebhook: (numberId, webhook) =>
      run(() => gateway.connectInboundWebhook(numberId, webhook)),
    connectMessagingService: (serviceId, webhook) =>
      run(() => gateway.connectMessagingService(serviceId, webhook)),
  };
}

/** For the console: which saved credential Twilio refused, with its error, when, and what to do. */
export function rejectedCredentialsReason(
  credentials: TwilioCredentials,
  err: SmsCredentialsRejectedError,
  at: Date,
): string {
  const code = err.providerCode ?? 20003;
  const when = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return credentials.apiKeySid && credentials.apiKeySecret
    ? `Twilio refused the API key ${credentials.apiKeySid} (error ${code}, ${when}): it was deleted or its secret changed in Twilio. Texts cannot be sent until you enter a current API key and secret with the Auth Token.`
    : `Twilio refused the Auth Token of ${credentials.accountSid} (error ${code}, ${when}): it was changed (rotated) or revoked in the Twilio Console. Texts cannot be sent until you enter the current Auth Token.`;
}
