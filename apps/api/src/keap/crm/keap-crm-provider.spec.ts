import type { KeapCallContext, KeapGrant, KeapRequestGate } from '@sms-seq/crm-keap';
import type { KeapClientFactory } from '../auth/keap-client.factory';
import type { RedisKeapAccountCache } from '../keap-account-cache';
import { KeapCrmProvider } from './keap-crm';

/**
 * What a note write asks of the budget and of Keap, in order: the budget's grants, the note user
 * read (held until `userRead` resolves), and the calls that went out on a grant.
 */
function aNoteSetting() {
  const order: string[] = [];
  let userKnown!: () => void;
  const userRead = new Promise<void>((resolve) => (userKnown = resolve));
  let granted = 0;
  const budget: KeapRequestGate = {
    maxCallMs: 15_000,
    acquire: async (ctx: KeapCallContext): Promise<KeapGrant> => {
      granted += 1;
      order.push(`grant ${ctx.kind}`);
      return { ...ctx, grantId: `g${granted}` };
    },
    observe: async (grant: KeapGrant, status: number) => {
      order.push(`answer ${grant.grantId} ${status}`);
    },
  };
  const clients = {
    clientFor: (
      accountId: string,
      priority: 'interactive' | 'background',
      _retry: unknown,
      _onCall: unknown,
      preset: { gate?: KeapRequestGate } = {},
    ) => {
      const gate = preset.gate ?? budget;
      return {
        prepareNoteWrite: async () => {
          order.push('note user read');
          await userRead;
        },
        createNote: async () => {
          const grant = await gate.acquire({ accountId, priority, kind: 'notes.create' });
          order.push(`notes.create on ${grant.grantId}`);
          await gate.observe(grant, 200, {});
          return { id: 41 };
        },
      };
    },
    accessTokenFor: async () => 'token',
  } as unknown as KeapClientFactory;
  const provider = new KeapCrmProvider(
    clients,
    {} as RedisKeapAccountCache,
    { KEAP_READ_BATCH_WINDOW_MS: 200, KEAP_TAG_BATCH_WINDOW_MS: 200 },
    budget,
  );
  return { provider, order, userKnown };
}

describe('KeapCrmProvider.crmAtTurn', () => {
  it('asks for the turn only once the note user is known, and writes on that turn', async () => {
    const { provider, order, userKnown } = aNoteSetting();
    const written = provider.crmAtTurn(
      'acme',
      { priority: 'background' },
      'createNote',
      async (crm) =>
        crm.createNote(7, 'SMS: Survey', [{ text: 'transcript', marker: '[c1]' }], {
          maybeWritten: false,
        }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    // No grant held while the read waits: every note job of the account waits on that one read.
    expect(order).toEqual(['note user read']);
    userKnown();
    expect(await written).toBe('41');
    expect(order).toEqual([
      'note user read',
      'grant notes.create',
      'notes.create on g1',
      'answer g1 200',
    ]);
  });

  it('gives the turn back when the work writes nothing', async () => {
    const { provider, order, userKnown } = aNoteSetting();
    userKnown();
    await provider.crmAtTurn('acme', { priority: 'background' }, 'createNote', async () => null);
    // As a call with no answer: the budget stops holding the slot as in flight.
    expect(order).toEqual(['note user read', 'grant notes.create', 'answer g1 0']);
  });
});
