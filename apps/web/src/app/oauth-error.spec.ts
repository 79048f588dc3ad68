import { oauthErrorSentence } from './oauth-error';

describe('what the console says when Keap sign-in did not finish', () => {
  it.each([
    ['keap_access_denied', /did not allow SMS Sequences.*press Allow/],
    ['oauth_state_mismatch', /took too long or was started in another tab.*Sign in again/],
    ['keap_code_rejected', /no longer accepts this sign-in.*Sign in again/],
    ['keap_unavailable', /did not answer.*Wait a minute/],
    ['keap_app_misconfigured', /app’s Keap settings are wrong.*Contact whoever runs/],
    ['keap_token_exchange_failed', /did not confirm the sign-in.*sign in again/],
    ['keap_app_unknown', /did not say which Keap app.*pick your app/],
    ['keap_error', /Keap stopped the sign-in.*Sign in again/],
  ])('explains %s with what to do next', (code, sentence) => {
    const said = oauthErrorSentence(code, 'The API’s own sentence.');
    expect(said).toMatch(sentence);
    expect(said).not.toContain(code);
  });

  it('adds Keap’s own words when the API passes them on', () => {
    expect(
      oauthErrorSentence(
        'keap_app_misconfigured',
        'Keap refused this app’s sign-in request. Keap said: "Invalid redirect_uri".',
      ),
    ).toMatch(/settings are wrong\..* Keap said: “Invalid redirect_uri”\.$/);
  });

  it('explains a code it does not know by the description that came with it', () => {
    expect(
      oauthErrorSentence(
        'keap_denied_scope',
        'Keap did not grant the access asked for. Connect again.',
      ),
    ).toBe('Keap did not grant the access asked for. Connect again.');
  });

  it('still gives a sentence for an unknown code without a description, never the raw code', () => {
    for (const description of [undefined, null, '  ']) {
      const said = oauthErrorSentence('constructor', description);
      expect(said).toMatch(/^Something went wrong on Keap’s side\. Sign in again/);
      expect(said).not.toContain('constructor');
    }
  });
});
