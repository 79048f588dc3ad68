/**
 * The API's Keap sign-in callback sends the browser back to the console with `?error=<code>` and
 * `error_description` when it could not finish (apps/api keap-auth.controller.ts, SIGN_IN_ERRORS).
 * Each code becomes the console's sentence: what happened and what to do next.
 */
const SENTENCES = new Map<string, string>(
  Object.entries({
    keap_access_denied:
      'You did not allow SMS Sequences to use your Keap account. To use it, sign in again and press Allow on Keap’s page.',
    oauth_state_mismatch:
      'The sign-in took too long or was started in another tab or browser, so it was stopped to keep your account safe. Sign in again from this page.',
    keap_code_rejected:
      'Keap no longer accepts this sign-in (it was used already or took too long). Sign in again.',
    keap_unavailable: 'Keap did not answer. Wait a minute, then sign in again.',
    keap_app_misconfigured:
      'Keap refused this app’s sign-in request because the app’s Keap settings are wrong. Contact whoever runs SMS Sequences for your company.',
    // Older APIs said this for any failed code exchange.
    keap_token_exchange_failed:
      'Keap did not confirm the sign-in (it may be busy). Wait a moment and sign in again.',
    keap_app_unknown:
      'Keap did not say which Keap app you signed in to. Sign in again and pick your app on Keap’s page.',
    keap_error:
      'Keap stopped the sign-in with an error. Sign in again; if it keeps happening, check that your Keap user may install apps.',
  }),
);

/**
 * A sentence for an OAuth error code. Keap's own words, when the API passes them on (`Keap said:
 * "…"` in the description), follow it; a code this console does not know yet is explained by the
 * API's description, and never shown raw.
 */
export function oauthErrorSentence(code: string, description?: string | null): string {
  const said = description?.trim().slice(0, 400) ?? '';
  const known = SENTENCES.get(code);
  if (known) {
    const keapSaid = /Keap said: "([^"]+)"/.exec(said)?.[1];
    return keapSaid ? `${known} Keap said: “${keapSaid}”.` : known;
  }
  return (
    said || 'Something went wrong on Keap’s side. Sign in again; if it keeps happening, try later.'
  );
}
