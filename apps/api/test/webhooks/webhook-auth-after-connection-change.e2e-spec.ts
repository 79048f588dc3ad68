import { anInboundText, DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from '../runtime/builders';
import { type ConsoleBrowser, startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';

const NEW_TOKEN = 'rotated-in-the-twilio-console-0099';

/**
 * The app keeps each Twilio account's webhook token in memory for a while (the inbound webhook is
 * the hot path). A change made in this process is seen at once: after new credentials are saved
 * the old Auth Token no longer signs a webhook, and after the connection is removed none of the
 * account's webhooks is accepted.
 */
describe('Twilio webhooks after the connection changes in this process', () => {
  let h: RuntimeHarness;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    h = await startRuntime();
    const { accountId } = await h.connectedAccount();
    browser = await h.signedIn(accountId);
  });
  afterAll(async () => {
    h?.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN);
    await h?.close();
  });

  /** An inbound text as Twilio posts it, signed with `authToken`: the status the app answers. */
  async function inboundSignedWith(authToken: string): Promise<number> {
    const res = await h.postSignedText(anInboundText('+12125550188'), authToken);
    return res.status;
  }

  it('after new credentials are saved, a webhook signed with the old Auth Token is refused at once', async () => {
    expect(await inboundSignedWith(DEMO_AUTH_TOKEN)).toBe(200); // the old token is now in memory
    h.sandbox.twilio.rotateAuthToken(DEMO_ACCOUNT_SID, NEW_TOKEN);
    await browser
      .put('/api/twilio/connection')
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: NEW_TOKEN })
      .expect(200);
    expect(await inboundSignedWith(DEMO_AUTH_TOKEN)).toBe(403);
    expect(await inboundSignedWith(NEW_TOKEN)).toBe(200);
  });

  it('after the connection is removed, the account’s webhooks are refused at once', async () => {
    expect(await inboundSignedWith(NEW_TOKEN)).toBe(200); // in memory
    await browser.delete('/api/twilio/connection').expect(204);
    expect(await inboundSignedWith(NEW_TOKEN)).toBe(403);
  });

  it('after it is saved again, its webhooks are accepted at once (though its AccountSid was remembered as no account’s)', async () => {
    expect(await inboundSignedWith(NEW_TOKEN)).toBe(403); // remembered as unknown
    await browser
      .put('/api/twilio/connection')
      .send({ accountSid: DEMO_ACCOUNT_SID, authToken: NEW_TOKEN })
      .expect(200);
    expect(await inboundSignedWith(NEW_TOKEN)).toBe(200);
  });
});
