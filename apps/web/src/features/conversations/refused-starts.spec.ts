import type { RefusedStart } from '../../api/api.types';
import {
  describeRefusedHttpStart,
  describeTextedSender,
  refusedBannerTitle,
  refusedCardTitle,
  refusedInLastDay,
  type RefusedHttpStart,
} from './refused-starts';

const aRefusedStart = (receivedAt: string): RefusedStart => ({
  kind: 'text',
  id: receivedAt,
  phone: '+14155550177',
  sender: 'phone:+14155550100',
  body: 'BLUE',
  receivedAt,
  code: 'keap_disconnected',
  reason: 'Keap is disconnected, so this text did not start a conversation.',
});

const aRefusedHttpStart = (over: Partial<RefusedHttpStart> = {}): RefusedHttpStart => ({
  kind: 'http_post',
  id: '7d0c8d3e-5f7c-4b8e-9d2a-0c1b2a3d4e5f',
  toolId: '1f0c8d3e-5f7c-4b8e-9d2a-0c1b2a3d4e5f',
  toolName: 'Colour',
  contactId: 123,
  contactName: 'Pat',
  startStep: null,
  receivedAt: '2026-12-02T10:02:00Z',
  code: 'account_disconnected',
  reason:
    'The Keap account of this tool is disconnected. Reconnect Keap in the console, then run the campaign again.',
  ...over,
});

describe('refused starts', () => {
  const at = { now: Date.parse('2026-12-02T12:00:00Z'), locale: 'en-US', timeZone: 'UTC' };

  it('the banner counts only the last 24 hours', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    const items = [
      aRefusedStart('2026-12-02T11:59:00Z'),
      aRefusedStart('2026-12-01T12:00:00Z'),
      aRefusedStart('2026-12-01T11:59:59Z'),
    ];
    expect(refusedInLastDay(items, now).map((i) => i.receivedAt)).toEqual([
      '2026-12-02T11:59:00Z',
      '2026-12-01T12:00:00Z',
    ]);
  });

  it('names the sender texted as a marketer knows it', () => {
    expect(describeTextedSender('phone:+14155550100')).toBe('+14155550100');
    expect(describeTextedSender('service:MG00000000000000000000000000000001')).toBe(
      'messaging service MG00000000000000000000000000000001',
    );
  });

  it('leaves a string that is not a sender key as it is', () => {
    expect(describeTextedSender('+14155550100')).toBe('+14155550100');
    expect(describeTextedSender('phone:')).toBe('phone:');
  });

  it('a campaign start refused while Keap is disconnected names the contact, the tool, the time and what to do', () => {
    expect(describeRefusedHttpStart(aRefusedHttpStart(), { ...at, keapConnected: false })).toBe(
      'A Keap campaign tried to start Pat (contact 123) on “Colour” at 10:02 AM: not started because Keap is disconnected. Reconnect Keap, then run the campaign again for this contact.',
    );
    expect(describeRefusedHttpStart(aRefusedHttpStart(), { ...at, keapConnected: true })).toBe(
      'A Keap campaign tried to start Pat (contact 123) on “Colour” at 10:02 AM: not started because Keap was disconnected. Keap is connected again: run the campaign again for this contact.',
    );
  });

  it('says why for each refusal, the contact by id when no conversation knew its name, and the day when not today', () => {
    const say = (over: Partial<RefusedHttpStart>) =>
      describeRefusedHttpStart(aRefusedHttpStart(over), { ...at, keapConnected: true });
    expect(
      say({ code: 'tool_not_published', contactName: null, receivedAt: '2026-11-30T16:45:00Z' }),
    ).toBe(
      'A Keap campaign tried to start contact 123 on “Colour” on Nov 30, 2026 at 04:45 PM: not started because “Colour” was not published. Publish it, then run the campaign again for this contact.',
    );
    expect(say({ code: 'tool_disabled', startStep: 'Ask' })).toBe(
      'A Keap campaign tried to start Pat (contact 123) on “Colour” at step “Ask” at 10:02 AM: not started because “Colour” was switched off. Switch it on, then run the campaign again for this contact.',
    );
    expect(say({ code: 'unknown_step', startStep: 'nowhere', toolName: '' })).toBe(
      'A Keap campaign tried to start Pat (contact 123) on the tool at 10:02 AM: not started because the tool has no step “nowhere”. Correct the step in the campaign’s HTTP Post URL (?step=), then run the campaign again for this contact.',
    );
  });

  it('says why a queued start could not text, in the sentence naming the contact, the field and the number', () => {
    const say = (over: Partial<RefusedHttpStart>) =>
      describeRefusedHttpStart(aRefusedHttpStart({ contactName: null, ...over }), {
        ...at,
        keapConnected: true,
      });
    expect(say({ code: 'no_contact', reason: 'Keap has no contact 123.' })).toBe(
      'A Keap campaign tried to start contact 123 on “Colour” at 10:02 AM: not started: Keap has no contact 123. Check that the campaign posts ~Contact.Id~ as contactId; the contact may have been merged or deleted.',
    );
    expect(say({ code: 'no_phone', reason: 'Pat Jones (123) has no number in Phone 3.' })).toBe(
      'A Keap campaign tried to start contact 123 on “Colour” at 10:02 AM: not started: Pat Jones (123) has no number in Phone 3. Add their mobile number to that field in Keap, then run the campaign again for this contact.',
    );
    expect(
      say({
        code: 'not_a_phone',
        reason: 'Phone 3 of Pat Jones (123), "12", is not a phone number.',
      }),
    ).toBe(
      'A Keap campaign tried to start contact 123 on “Colour” at 10:02 AM: not started: Phone 3 of Pat Jones (123), "12", is not a phone number. Correct the number in Keap, then run the campaign again for this contact.',
    );
    expect(
      say({
        code: 'opted_out',
        reason: 'Pat Jones (123), at +14155550177, has opted out of texts from +14155550100',
      }),
    ).toBe(
      'A Keap campaign tried to start contact 123 on “Colour” at 10:02 AM: not started: Pat Jones (123), at +14155550177, has opted out of texts from +14155550100. Nothing is sent to them until they text START.',
    );
  });

  it('titles the banner and the card by what they list', () => {
    const text = aRefusedStart('2026-12-02T11:59:00Z');
    const post = aRefusedHttpStart();
    expect(refusedBannerTitle([text])).toBe('A keyword text started nothing in the last 24 hours');
    expect(refusedBannerTitle([text, text, post])).toBe(
      '2 keyword texts and a Keap campaign start started nothing in the last 24 hours',
    );
    expect(refusedBannerTitle([post, post])).toBe(
      '2 Keap campaign starts started nothing in the last 24 hours',
    );
    expect(refusedCardTitle([text, text])).toBe('Texts that started nothing (2)');
    expect(refusedCardTitle([post])).toBe('Keap campaign starts that started nothing (1)');
    expect(refusedCardTitle([post, text])).toBe(
      'Texts and Keap campaign starts that started nothing (2)',
    );
  });
});
