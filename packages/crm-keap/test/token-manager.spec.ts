import type { KeapTokens } from '../src/keap-oauth';
import { KeapSandboxHarness, MemoryTokenStore } from './support/keap-sandbox-harness';
import { type KeapTokenRefresher, TokenManager } from '../src/token-manager';

const ACCOUNT = 'acct-1';

/** A promise the test settles when it wants to, and one that says when it was first waited on. */
function hold() {
  let release!: () => void;
  let entered!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  const wait = () => {
    entered();
    return released;
  };
  return { release, reached, wait };
}

/** The memory store, whose reads can be held in the middle (a slow database). */
class SlowStore extends MemoryTokenStore {
  gate: ReturnType<typeof hold> | null = null;
  override async load(accountId: string): Promise<KeapTokens | null> {
    const tokens = await super.load(accountId);
    await this.gate?.wait();
    return tokens;
  }
}

describe('TokenManager: a token Keap refused is never handed back', () => {
  let sandbox: KeapSandboxHarness;
  let store: SlowStore;
  let refreshes: { accountId: string; refreshToken: string }[];
  let refreshGate: ReturnType<typeof hold> | null;
  let tokens: TokenManager;
  let connected: KeapTokens;

  beforeAll(async () => {
    sandbox = await new KeapSandboxHarness().start();
  });
  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    sandbox.keap.reset();
    store = new SlowStore();
    connected = await sandbox.connect();
    await store.save(ACCOUNT, connected);
    refreshes = [];
    refreshGate = null;
    const oauth: KeapTokenRefresher = {
      refresh: async (input) => {
        refreshes.push({ accountId: input.accountId, refreshToken: input.refreshToken });
        await refreshGate?.wait();
        return sandbox.oauth.refresh(input);
      },
    };
    tokens = new TokenManager({ oauth, store, now: () => new Date(sandbox.keap.now()) });
  });

  const expireStoredToken = () => sandbox.keap.advanceClock(86_400 * 1000);

  it('a caller whose token was refused while another caller reads the stored token gets a refreshed token', async () => {
    store.gate = hold();
    const reading = tokens.getAccessToken(ACCOUNT);
    await store.gate.reached; // the plain read is under way, holding the token Keap refused
    const afterRefusal = tokens.getAccessToken(ACCOUNT, { rejectedToken: connected.accessToken });
    store.gate.release();

    expect(await reading).toBe(connected.accessToken);
    const replacement = await afterRefusal;
    expect(replacement).not.toBe(connected.accessToken);
    expect(replacement).toBe((await store.load(ACCOUNT))!.accessToken);
    expect(refreshes.map((r) => r.refreshToken)).toEqual([connected.refreshToken]);
  });

  it('a caller whose token was refused joins a refresh under way: one refresh, one new token for both', async () => {
    expireStoredToken();
    refreshGate = hold();
    const dueRefresh = tokens.getAccessToken(ACCOUNT);
    await refreshGate.reached;
    const afterRefusal = tokens.getAccessToken(ACCOUNT, { rejectedToken: connected.accessToken });
    refreshGate.release();

    const [a, b] = await Promise.all([dueRefresh, afterRefusal]);
    expect(b).toBe(a);
    expect(a).not.toBe(connected.accessToken);
    expect(refreshes).toHaveLength(1);
  });

  it('callers arriving while a refusal is being handled share its refresh', async () => {
    refreshGate = hold();
    const first = tokens.getAccessToken(ACCOUNT, { rejectedToken: connected.accessToken });
    await refreshGate.reached;
    const others = [
      tokens.getAccessToken(ACCOUNT, { rejectedToken: connected.accessToken }),
      tokens.getAccessToken(ACCOUNT),
    ];
    refreshGate.release();

    const got = await Promise.all([first, ...others]);
    expect(new Set(got)).toEqual(new Set([(await store.load(ACCOUNT))!.accessToken]));
    expect(got[0]).not.toBe(connected.accessToken);
    expect(refreshes).toHaveLength(1);
  });

  it('tells the refresher whose tokens it spends', async () => {
    expireStoredToken();
    await tokens.getAccessToken(ACCOUNT);
    expect(refreshes).toEqual([{ accountId: ACCOUNT, refreshToken: connected.refreshToken }]);
  });
});
