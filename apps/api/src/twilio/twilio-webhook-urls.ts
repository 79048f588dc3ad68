/** Where Twilio's webhooks are mounted (outside the `/api` prefix: Twilio is no console client). */
export const TWILIO_WEBHOOK_MOUNT = '/hooks/twilio';

/** The URLs the app gives Twilio: inbound texts and delivery reports. */
export interface TwilioWebhookUrls {
  smsUrl: string;
  statusCallbackUrl: string;
}

export function twilioWebhookUrls(publicUrl: string): TwilioWebhookUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    smsUrl: `${base}${TWILIO_WEBHOOK_MOUNT}/sms`,
    statusCallbackUrl: `${base}${TWILIO_WEBHOOK_MOUNT}/status`,
  };
}
