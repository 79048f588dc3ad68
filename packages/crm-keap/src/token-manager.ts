import { KeapNotConnectedError } from './errors';
import type { KeapOAuth, KeapTokens } from './keap-oauth';

/** Where the app keeps each account's tokens (encrypted at rest; that is the store's job). */
export interface KeapTokenStore {
  load(accountId: string): Promise<KeapTokens | null>;
  save(accountId: string, tokens: KeapTokens): Promise<void>;
}

/** Runs `fn` holding a lock on the account across processes (the API passes a Redis lock). */
export type KeapAccountLock = <T>(accountId: string, fn: () => Promise<T>) => Promise<T>;

export interface TokenManagerOptions {
  oauth: Pick<KeapOAuth, 'refresh'>;
  store: KeapTokenStore;
  now?: () => Date;
  /** Refresh this long before expiry, so a token never dies in the middle of a call. */
  refreshAheadMs?: number;
  lock?: KeapAccountLock;
}

/**
 * Hands out a valid access token per account. A refresh spends the refresh token, so two
 * refreshes at once would leave one caller with a dead token and, worse, the store with the
 * loser's tokens. Hence one refresh at a time: in-process by sharing one promise per account,
 * across processes by the injected lock, inside which the store is read again because another
 * process may have refreshed meanwhile.
 */
export class TokenManager {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly now: () => Date;
  private readonly refreshAheadMs: number;
  private readonly lock: KeapAccountLock;

  constructor(private readonly options: TokenManagerOptions) {
    this.now = options.now ?? (() => new Date());
    this.refreshAheadMs = options.refreshAheadMs ?? 5 * 60 * 1000;
    this.lock = options.lock ?? ((_accountId, fn) => fn());
  }

  /**
   * A token valid for at least `refreshAheadMs`. Pass `rejectedToken` when Keap answered 401 to
   * it: that token is then refreshed even if its expiry says it is still good.
   */
  getAccessToken(accountId: string, options: { rejectedToken?: string } = {}): Promise<string> {
    const running = this.inflight.get(accountId);
    if (running) return running;
    const work = this.resolve(accountId, options.rejectedToken).finally(() =>
      this.inflight.delete(accountId),
    );
    this.inflight.set(accountId, work);
    return work;
  }

  private async resolve(accountId: string, rejectedToken: string | undefined): Promise<string> {
    const tokens = await this.load(accountId);
    if (this.usable(tokens, rejectedToken)) return tokens.accessToken;
    return this.lock(accountId, async () => {
      const latest = await this.load(accountId);
      if (this.usable(latest, rejectedToken)) return latest.accessToken;
      const fresh = await this.options.oauth.refresh({
        refreshToken: latest.refreshToken,
        now: this.now(),
      });
      await this.options.store.save(accountId, fresh);
      return fresh.accessToken;
    });
  }

  private async load(accountId: string): Promise<KeapTokens> {
    const tokens = await this.options.store.load(accountId);
    if (!tokens) throw new KeapNotConnectedError(`Account ${accountId} has no Keap connection`);
    return tokens;
  }

  private usable(tokens: KeapTokens, rejectedToken: string | undefined): boolean {
    if (rejectedToken !== undefined && tokens.accessToken === rejectedToken) return false;
    return tokens.expiresAt.getTime() - this.now().getTime() > this.refreshAheadMs;
  }
}
