import { createHash, timingSafeEqual } from 'node:crypto';
import { type SecretBox, sealedFor } from '../crypto/secret-box';

/** The URL Keap's campaign "Send HTTP Post" calls to start the tool for a contact. */
export function toolUrl(publicUrl: string, toolId: string, urlSecret: string): string {
  return `${publicUrl.replace(/\/$/, '')}/hooks/tools/${toolId}/${urlSecret}`;
}

/** The seed's "HTTP Post" steps, shown next to the tool URL. */
export function httpPostInstructions(): string[] {
  return [
    'This tool is started by an "HTTP Post" from Keap: in the Campaign Builder, use the "Send HTTP Post" action (under "Process").',
    'Decide where in your campaign you want to start this tool; it can be part of almost any campaign sequence.',
    'In that sequence, place a "Send HTTP Post" action where the tool should start.',
    'Paste the Tool URL above into the "POST URL" field of the HTTP Post.',
    'Leave the default Name / Value pair as it is: contactId = ~Contact.Id~',
    'Leave the merge fields as they are: everything the tool needs is read from the contact id.',
    'Mark the HTTP Post (and the sequence) as "Ready".',
    'Publish your campaign changes and test with a real test contact pushed through the sequence ("Send Test" in Keap does not run the tool).',
    'To start at a step other than the first, add ?step=<step id or name> to the Tool URL.',
  ];
}

/**
 * The tool URL secret is a bearer credential (whoever has the URL starts conversations), so it is
 * sealed at rest like the Keap and Twilio secrets. Sealed, not hashed: the console shows the URL
 * again whenever the tool is opened.
 */
export function sealUrlSecret(box: SecretBox, toolId: string, secret: string): string {
  return box.seal(secret, sealedFor.toolUrlSecret(toolId));
}

/** The secret in clear; a value stored before secrets were sealed (no `v1.`/`v2.` prefix) as it is. */
export function openUrlSecret(box: SecretBox, toolId: string, stored: string): string {
  return isSealed(stored) ? box.open(stored, sealedFor.toolUrlSecret(toolId)) : stored;
}

/** Whether `given` is the tool's secret, compared in constant time (hashed to equal lengths). */
export function urlSecretMatches(
  box: SecretBox,
  toolId: string,
  stored: string,
  given: string,
): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(openUrlSecret(box, toolId, stored)), digest(given));
}

/** Random URL secrets are base64url (no dots); sealed values are `v1.<iv>.<tag>.<data>` or `v2.…`. */
export function isSealed(stored: string): boolean {
  return /^v[12]\./.test(stored);
}
