import { KeapNotConnectedError } from './errors';
import type { KeapTokens } from './keap-oauth';

/** Where the app keeps each account's tokens (encrypted at rest; that is the store's job). */
export interface KeapTokenStore {
  load(accountId: string): Promise<KeapTokens | null>;
  save(accountId: string, tokens: KeapTokens): Promise<void>;
}

/** Runs `fn` holding a lock on the account across processes (the API passes a Redis lock). */
export type KeapAccountLock = <T>(accountId: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Spends a refresh token for new tokens (KeapOAuth's `refresh` fits). `accountId` names whose
 * tokens they are, so an app can tell apart a revoked grant from tokens another process rotated.
 */
export interface KeapTokenRefresher {
  refresh(input: { accountId: string; refreshToken: string; now: Date }): Promise<KeapTokens>;
}

export interface TokenManagerOptions {
  oauth: KeapTokenRefresher;
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
 *
 * Reads of the stored token are shared too, but only by callers that have no token to refuse:
 * a caller whose token Keap refused joins a refresh (or starts one), never a read, which could
 * hand back that very token.
 */
export class TokenManager {
  /** A call that may answer with the stored token as it is. */
  private readonly reads = new Map<string, Promise<string>>();
  /** A call that answers with a token read under the lock (refreshed, unless another process had). */
  private readonly refreshes = new Map<string, Promise<string>>();
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
   * it: that token is then refreshed even if its expiry says it is still good, and never handed
   * back.
   */
  getAccessToken(accountId: string, options: { rejectedToken?: string } = {}): Promise<string> {
    const { rejectedToken } = options;
    if (rejectedToken !== undefined) return this.replace(accountId, rejectedToken);
    const running = this.refreshes.get(accountId) ?? this.reads.get(accountId);
    if (running) return running;
    return this.track(this.reads, accountId, this.read(accountId));
  }

  private async read(accountId: string): Promise<string> {
    const tokens = await this.load(accountId);
    if (this.usable(tokens, undefined)) return tokens.accessToken;
    return this.refreshes.get(accountId) ?? this.refresh(accountId, undefined);
  }

  /** A token other than `rejected`: from a refresh in progress if it brings one, else our own. */
  private async replace(accountId: string, rejected: string): Promise<string> {
    const running = this.refreshes.get(accountId);
    if (running) {
      const token = await running;
      if (token !== rejected) return token;
    }
    // Another refresh may have started while we waited; ours then waits for it on the lock and
    // re-reads the store under it, so the refresh token is still spent once.
    return this.refresh(accountId, rejected);
  }

  private refresh(accountId: string, rejected: string | undefined): Promise<string> {
    const work = this.lock(accountId, async () => {
      const latest = await this.load(accountId);
      if (this.usable(latest, rejected)) return latest.accessToken;
      const fresh = await this.options.oauth.refresh({
        accountId,
        refreshToken: latest.refreshToken,
        now: this.now(),
      });
      await this.options.store.save(accountId, fresh);
      return fresh.accessToken;
    });
    return this.track(this.refreshes, accountId, work);
  }

  /** Shares `work` under the account in `calls` until it settles. */
  private track(
    calls: Map<string, Promise<string>>,
    accountId: string,
    work: Promise<string>,
  ): Promise<string> {
    const shared = work.finally(() => {
      if (calls.get(accountId) === shared) calls.delete(accountId);
    });
    calls.set(accountId, shared);
    return shared;
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
