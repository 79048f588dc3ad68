import {
  SECOND_ACCOUNT_SID,
  SECOND_AUTH_TOKEN,
  SECOND_NUMBER,
  SECOND_TENANT_ID,
} from '@sms-seq/sandbox';
import {
  aKeapContact,
  anAccountConnectedTo,
  anInboundText,
  aPhone,
  aPublishedTool,
  aTool,
  DEMO_AUTH_TOKEN,
  DEMO_NUMBER,
  likesBlueSteps,
} from '../runtime/builders';
import {
  eventually,
  startRuntime,
  whenIdle,
  type RuntimeHarness,
} from '../runtime/runtime-harness';

/**
 * Two Keap apps, each with its own Twilio account: A (the demo number) and B (the second
 * account's number). B knows A's number and A's contacts' phones, and holds a valid Twilio token of
 * its own. Nothing B does reaches A's conversations, A's Keap or A's keywords.
 */
describe('accounts sealed from each other in the runtime', () => {
  let h: RuntimeHarness;
  let a: string;
  let b: string;

  beforeAll(async () => {
    h = await startRuntime();
    a = (await h.connectedAccount()).accountId;
    b = (
      await anAccountConnectedTo(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
        tenantId: SECOND_TENANT_ID,
        name: 'B',
        twilio: { accountSid: SECOND_ACCOUNT_SID, authToken: SECOND_AUTH_TOKEN },
      })
    ).accountId;
    await h.publishedTool(a, {
      name: 'Blue',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: likesBlueSteps(),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const aContactOfA = () => {
    const phone = aPhone();
    aKeapContact(h.sandbox, { firstName: 'Pat', phone });
    return phone;
  };
  const inboundOf = (phone: string) =>
    h.ds.query(
      `SELECT account_id, body, conversation_id FROM messages WHERE phone = $1 AND direction = 'in' ORDER BY seq`,
      [phone],
    ) as Promise<{ account_id: string; body: string; conversation_id: string | null }[]>;

  it("refuses a webhook signed with B's own token that names A's number, and stores it nowhere", async () => {
    const phone = aContactOfA();
    await h.text(phone, 'BLUE');
    await eventually(() => h.textsTo(phone).length === 1, "A's first question");
    const [before] = await h.conversationsOf(phone);

    const forged = await h.postSignedText(
      anInboundText(phone, { AccountSid: SECOND_ACCOUNT_SID, To: DEMO_NUMBER, Body: 'yes' }),
      SECOND_AUTH_TOKEN,
    );
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('sender_not_in_account');
    expect(forged.body.error.message).toMatch(/not in the Twilio account that signed/);

    await whenIdle(h);
    expect(await inboundOf(phone)).toEqual([
      { account_id: a, body: 'BLUE', conversation_id: before!.id },
    ]);
    expect(await h.conversationsOf(phone)).toEqual([before]);
    expect(h.textsTo(phone)).toEqual(['Hi Pat, do you like blue?']);
    // B's Keap got nothing of it either: no contact with this phone in B's tenant.
    const bContacts = [...h.sandbox.keap.tenant(SECOND_TENANT_ID).contacts.values()];
    expect(bContacts.filter((c) => JSON.stringify(c).includes(phone.slice(-7)))).toEqual([]);
  });

  it("takes a text to B's own number signed by B (the check refuses only other accounts' senders)", async () => {
    const phone = aPhone();
    const own = await h.postSignedText(
      anInboundText(phone, { AccountSid: SECOND_ACCOUNT_SID, To: SECOND_NUMBER, Body: 'hello' }),
      SECOND_AUTH_TOKEN,
    );
    expect(own.status).toBe(200);
    await whenIdle(h);
    expect(await inboundOf(phone)).toEqual([
      { account_id: b, body: 'hello', conversation_id: null },
    ]);
  });

  it("refuses B publishing a tool on A's number, saying why; B's own number publishes", async () => {
    const browser = await h.signedIn(b);
    const created = await browser.post('/api/tools').send({ name: 'Squat' }).expect(201);
    const draft = aTool({
      name: 'Squat',
      keyword: 'BLUE',
      collectEmailFirst: false,
      steps: likesBlueSteps(),
    });
    await browser
      .put(`/api/tools/${created.body.id}`)
      .send({ draft, draftRevision: 1 })
      .expect(200);
    const refused = await browser.post(`/api/tools/${created.body.id}/publish`).expect(422);
    expect(refused.body.error).toMatchObject({
      code: 'sender_not_in_twilio_account',
      message: expect.stringContaining(
        `The number ${DEMO_NUMBER} is not in the Twilio account connected to this Keap app`,
      ),
    });
    const versions = await h.ds.query(`SELECT 1 FROM tool_versions WHERE tool_id = $1`, [
      created.body.id,
    ]);
    expect(versions).toEqual([]);

    // The same keyword A uses, on B's own number: keywords are each account's own.
    await browser
      .put(`/api/tools/${created.body.id}`)
      .send({
        draft: { ...draft, sender: { kind: 'phone_number', phoneNumber: SECOND_NUMBER } },
        draftRevision: 2,
      })
      .expect(200);
    await browser.post(`/api/tools/${created.body.id}/publish`).expect(201);
  });

  it("routes A's contact's texts to A even when B has a live tool and a conversation on the same number and phone", async () => {
    // Only possible with data from before publishing checked the sender: written directly here.
    const squat = await aPublishedTool(
      h.ds,
      b,
      aTool({ name: 'Squat', keyword: 'BLUE', collectEmailFirst: false, steps: likesBlueSteps() }),
    );
    const phone = aPhone();
    const bContactId = aKeapContact(h.sandbox, { firstName: 'Vic', phone }, SECOND_TENANT_ID);
    aKeapContact(h.sandbox, { firstName: 'Vic', phone });
    await h.startByHttpPost(squat, bContactId);
    const [ofB] = await eventually(async () => {
      const rows = await h.conversationsOf(phone);
      return rows[0]?.status === 'awaiting_reply' ? rows : undefined;
    }, "B's conversation waiting for Vic's reply");

    // Vic texts A's keyword to A's number (Twilio signs it with A's token).
    await h.text(phone, 'BLUE');
    await eventually(
      async () => (await h.conversationsOf(phone)).length === 2,
      "A's own conversation",
    );
    await whenIdle(h);
    const rows: { account_id: string; ended_at: Date | null }[] = await h.ds.query(
      `SELECT account_id, ended_at FROM conversations WHERE phone = $1 ORDER BY started_at`,
      [phone],
    );
    expect(rows.map((r) => r.account_id)).toEqual([b, a]);
    // B's conversation did not take the text as its reply.
    expect((await h.conversationsOf(phone))[0]).toEqual(ofB);
    expect(await inboundOf(phone)).toEqual([
      { account_id: a, body: 'BLUE', conversation_id: expect.any(String) },
    ]);
    const [, ofA] = await h.conversationsOf(phone);
    expect((await inboundOf(phone))[0]!.conversation_id).toBe(ofA!.id);
  });

  it('keeps Twilio message ids per account: the same MessageSid from two accounts is two texts', async () => {
    const phone = aContactOfA();
    const sid = `SM${'ab'.repeat(16)}`;
    await h
      .postSignedText(anInboundText(phone, { MessageSid: sid, Body: 'hi' }), DEMO_AUTH_TOKEN)
      .then((r) => expect(r.status).toBe(200));
    await h
      .postSignedText(
        anInboundText(phone, {
          MessageSid: sid,
          AccountSid: SECOND_ACCOUNT_SID,
          To: SECOND_NUMBER,
          Body: 'hi',
        }),
        SECOND_AUTH_TOKEN,
      )
      .then((r) => expect(r.status).toBe(200));
    const rows: { account_id: string }[] = await h.ds.query(
      `SELECT account_id FROM messages WHERE provider_sid = $1 ORDER BY account_id`,
      [sid],
    );
    expect(rows.map((r) => r.account_id).sort()).toEqual([a, b].sort());
  });
});
