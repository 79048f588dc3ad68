import { simulate, validateTool } from '@sms-seq/engine';
import {
  buildTemplate,
  TEMPLATES,
  templateTagNames,
  type ToolTemplate,
} from './template-catalogue';

/** A template built with tag ids 1, 2, … in the order of its tag names. */
function built(template: ToolTemplate) {
  const names = templateTagNames(template);
  return { names, tool: buildTemplate(template, new Map(names.map((n, i) => [n, i + 1]))) };
}

/** Each template's happy path: the replies of a contact who answers as hoped, and what they get. */
const HAPPY_PATHS: Record<string, { replies: string[]; tags: string[]; last: RegExp }> = {
  'sms-opt-in': {
    replies: ['ann@example.com', 'Ann'],
    tags: ['SMS: Subscribed'],
    last: /You're in, Ann!/,
  },
  'lead-qualification': {
    replies: ['ann@example.com', 'Acme Bakery', '$2,500'],
    tags: ['Lead: Budget $1,000 to $5,000'],
    last: /call you within one business day/,
  },
  'appointment-confirmation': {
    replies: ['Can we reschedule?', 'Friday at 10am'],
    tags: ['Appointment: Reschedule requested'],
    last: /confirm your new time/,
  },
  'event-rsvp': { replies: ['Yes!', '2'], tags: ['Event RSVP: Yes'], last: /on the list/ },
  'nps-survey': {
    replies: ['9', 'Fast replies'],
    tags: ['NPS: Promoter'],
    last: /shared that in a review/,
  },
};

describe('templates', () => {
  it('offers the five sequences marketers ask for, each with a name and a short description', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(Object.keys(HAPPY_PATHS));
    for (const t of TEMPLATES) {
      expect(t.name).not.toBe('');
      expect(t.description.length).toBeGreaterThan(40);
      expect(t.description.length).toBeLessThan(320);
    }
  });

  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    '%s is valid: no errors, and as a draft only the warning that no sender is chosen yet',
    (_id, template) => {
      const { tool } = built(template);
      // The sender is the account's own Twilio number: the marketer picks it in the editor.
      expect(validateTool(tool, { purpose: 'draft' })).toEqual([
        expect.objectContaining({ code: 'sender_missing', severity: 'warning' }),
      ]);
      const withSender = {
        ...tool,
        sender: { kind: 'phone_number' as const, phoneNumber: '+14155550100' },
      };
      expect(validateTool(withSender, { purpose: 'publish' })).toEqual([]);
    },
  );

  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    '%s runs in the simulator through its happy path to a finish, tagging by name',
    (id, template) => {
      const { names, tool } = built(template);
      const path = HAPPY_PATHS[id]!;
      const result = simulate(tool, {
        contact: { fields: { FirstName: 'Ann' } },
        inputs: path.replies,
      });
      expect(result.status).toBe('finished');
      const tags = result.turns.flatMap((turn) => turn.tags.map((t) => names[t.tagId - 1]));
      expect(tags).toEqual(path.tags);
      const texts = result.turns.flatMap((turn) => turn.messages.map((m) => m.body));
      expect(texts[0]).toMatch(/Text STOP to stop\./);
      expect(texts.at(-1)).toMatch(path.last);
    },
  );

  it('tags NPS scores 0-6 detractors, 7-8 passives and 9-10 promoters', () => {
    const { names, tool } = built(TEMPLATES.find((t) => t.id === 'nps-survey')!);
    const tagFor = (score: string) =>
      simulate(tool, { inputs: [score] }).turns.flatMap((turn) =>
        turn.tags.map((t) => names[t.tagId - 1]),
      );
    expect(['0', '6', '7', '8', '9', '10'].map(tagFor)).toEqual([
      ['NPS: Detractor'],
      ['NPS: Detractor'],
      ['NPS: Passive'],
      ['NPS: Passive'],
      ['NPS: Promoter'],
      ['NPS: Promoter'],
    ]);
  });

  it('tags RSVPs yes, no and maybe', () => {
    const { names, tool } = built(TEMPLATES.find((t) => t.id === 'event-rsvp')!);
    const tagFor = (reply: string) =>
      simulate(tool, { inputs: [reply] }).turns.flatMap((turn) =>
        turn.tags.map((t) => names[t.tagId - 1]),
      );
    expect(['yes', 'No thanks', 'not sure yet'].map(tagFor)).toEqual([
      ['Event RSVP: Yes'],
      ['Event RSVP: No'],
      ['Event RSVP: Maybe'],
    ]);
  });
});
