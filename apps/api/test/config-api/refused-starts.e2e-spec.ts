import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import { aConnectedAccount, aPhone, aPublishedTool, aTool } from '../runtime/builders';
import {
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * A contact texts a tool's keyword while the account's Keap grant is revoked: nothing can start
 * (no contact can be found or saved), and the console shows why instead of the text vanishing.
 */
describe('keyword starts while Keap is disconnected', () => {
  let h: RuntimeHarness;
  let accountId: string;
  let browser: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    }));
    await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Colour',
        keyword: 'BLUE',
        collectEmailFirst: false,
        steps: [{ id: 'ask', name: 'Ask', message: 'Blue or red?', next: { kind: 'finish' } }],
      }),
    );
    const { id } = await h.t.app.get(SessionStore).create(accountId);
    browser = request.agent(h.t.app.getHttpServer()).set('Cookie', `sms_session=${id}`);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the text, starts nothing, and the conversations API lists it with the reason', async () => {
    await h.ds.query(
      `UPDATE accounts SET status = 'disconnected', status_reason = 'Keap access was revoked or has expired.' WHERE id = $1`,
      [accountId],
    );
    const phone = aPhone();
    await h.text(phone, 'blue');
    const refused = await eventually(async () => {
      const res = await browser.get('/api/conversations/refused-starts').expect(200);
      return res.body.items.length ? res.body.items : undefined;
    }, 'the refused start to be listed');
    expect(refused).toEqual([
      {
        kind: 'text',
        id: expect.any(String),
        phone,
        sender: 'phone:+14155550100',
        body: 'blue',
        receivedAt: expect.any(String),
        code: 'keap_disconnected',
        reason: expect.stringMatching(
          /Keap is disconnected.*reconnect Keap to start conversations/,
        ),
      },
    ]);
    await whenIdle(h);
    expect(await h.conversationsOf(phone)).toEqual([]);
    expect(h.textsTo(phone)).toEqual([]);

    // Keap connected again: the same keyword starts the tool, and the list keeps only the refusal.
    await h.ds.query(`UPDATE accounts SET status = 'active', status_reason = NULL WHERE id = $1`, [
      accountId,
    ]);
    await h.text(phone, 'blue');
    await eventually(() => h.textsTo(phone).length === 1, 'the first step');
    expect(h.textsTo(phone)).toEqual(['Blue or red?']);
    const after = await browser.get('/api/conversations/refused-starts').expect(200);
    expect(after.body.items.map((i: { id: string }) => i.id)).toEqual([refused[0].id]);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
