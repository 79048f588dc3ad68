import request from 'supertest';
import { SessionStore } from '../../src/session/session.store';
import {
  aConnectedAccount,
  aPhone,
  aPublishedTool,
  aTool,
  keapContactsWithPhone,
} from '../runtime/builders';
import {
  eventually,
  type RuntimeHarness,
  startRuntime,
  whenIdle,
} from '../runtime/runtime-harness';

/**
 * The field picker and the runtime share one copy of the account's Keap field model (the
 * runtime's Redis cache): a picker read warms it, and a picker refresh is the runtime's refresh,
 * so a field just added in Keap can be saved to by a conversation with no further model read.
 */
describe("the field picker reads the runtime's field model", () => {
  let h: RuntimeHarness;
  let accountId: string;
  let browser: ReturnType<typeof request.agent>;
  /** Keap's GET /contacts/model calls so far. */
  const modelReads = () => h.sandbox.keap.callCounts().byOperation.retrieveContactModel ?? 0;
  const fieldLabels = async (query = '') =>
    (await browser.get(`/api/keap/fields${query}`).expect(200)).body.fields.map(
      (f: { label: string }) => f.label,
    );

  beforeAll(async () => {
    h = await startRuntime();
    ({ accountId } = await aConnectedAccount(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
      smsUrl: `${h.publicUrl}/hooks/twilio/sms`,
    }));
    const { id } = await h.t.app.get(SessionStore).create(accountId);
    browser = request.agent(h.t.app.getHttpServer()).set('Cookie', `sms_session=${id}`);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a picker refresh refreshes the runtime: a conversation then saves to a new field without reading the model', async () => {
    expect(await fieldLabels()).toContain('Favorite Color');
    expect(modelReads()).toBe(1);

    // The marketer adds a custom field in Keap: the cached list does not have it yet.
    h.sandbox.keap.tenant('sb101').customFields.push({
      id: '90',
      label: 'Shoe size',
      field_name: 'ShoeSize',
      field_type: 'TEXT',
      record_type: 'CONTACT',
    });
    expect(await fieldLabels()).not.toContain('Shoe size');
    expect(modelReads()).toBe(1);
    expect(await fieldLabels('?refresh=1')).toContain('Shoe size');
    expect(modelReads()).toBe(2);

    await aPublishedTool(
      h.ds,
      accountId,
      aTool({
        name: 'Shoes',
        keyword: 'SHOE',
        collectEmailFirst: false,
        steps: [
          {
            id: 'size',
            name: 'Size',
            message: 'What is your shoe size?',
            saveTo: '_ShoeSize',
            next: { kind: 'finish' },
          },
        ],
      }),
    );
    const phone = aPhone();
    await h.text(phone, 'shoe');
    await eventually(() => h.textsTo(phone).length === 1, 'the question');
    await h.text(phone, '42');
    const saved = await eventually(() => {
      const [contact] = keapContactsWithPhone(h.sandbox, phone);
      return contact?.custom.get('90');
    }, 'the shoe size saved in Keap');
    expect(saved).toBe('42');
    await whenIdle(h);
    // The start (find or create the contact) and the field save used the picker's refresh.
    expect(modelReads()).toBe(2);
  });

  it('answers only as the OpenAPI document says (status and schema)', () =>
    h.expectAnswersDocumented());
});
