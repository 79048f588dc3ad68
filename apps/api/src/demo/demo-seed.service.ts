import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AccountService } from '../accounts/account.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { KeapTokenGrant } from '../keap/auth/keap-token-grant';
import { KeapTokensService } from '../keap/auth/keap-tokens.service';
import { ToolRepository } from '../tools/tool.repository';
import { ToolService } from '../tools/tool.service';
import { TwilioConnectionService } from '../twilio/connection/twilio-connection.service';
import { TwilioSendersService } from '../twilio/connection/twilio-senders.service';
import { demoToolDefinition } from './demo-tool';

// The sandbox's seeded demo tenant and Twilio account (apps/sandbox keap-seed.ts, twilio-seed.ts).
const DEMO_TENANT_ID = 'sb101';
const DEMO_NUMBER = '+14155550100';
const DEMO_SEED_RETRY_EVERY_MS = 2000;
const DEMO_SEED_RETRY_FOR_MS = 120_000;

/**
 * Try-it-now mode (DEMO_SEED=true): connects the sandbox's demo Keap app and Twilio account to a
 * demo account and publishes a demo tool, so a newcomer can text DEMO from the phone simulator.
 * Tokens come from the sandbox's real OAuth endpoints (consent, then code exchange).
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountService,
    private readonly grant: KeapTokenGrant,
    private readonly keapTokens: KeapTokensService,
    private readonly twilio: TwilioConnectionService,
    private readonly senders: TwilioSendersService,
    private readonly tools: ToolService,
    private readonly toolRepository: ToolRepository,
  ) {}

  private retry: NodeJS.Timeout | undefined;

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.DEMO_SEED) return;
    await this.seedOrRetry(Date.now() + DEMO_SEED_RETRY_FOR_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retry);
  }

  /**
   * The start command launches the sandbox and the API together: the sandbox may not answer
   * yet when the API boots. Keep trying in the background (the API serves meanwhile).
   */
  private async seedOrRetry(deadline: number): Promise<void> {
    try {
      await this.seed();
    } catch (err) {
      const message = (err as Error).message;
      if (Date.now() > deadline) {
        this.logger.error(`Demo seed failed, giving up: ${message}`);
        return;
      }
      this.logger.warn(`Demo seed failed (${message}); retrying in ${DEMO_SEED_RETRY_EVERY_MS} ms`);
      this.retry = setTimeout(() => void this.seedOrRetry(deadline), DEMO_SEED_RETRY_EVERY_MS);
      this.retry.unref();
    }
  }

  async seed(): Promise<string> {
    const account = await this.accounts.upsertByKeapAppName(DEMO_TENANT_ID);
    const fresh = await this.accounts.get(account.id);
    if (fresh.status !== 'active' || !(await this.keapTokens.connectionOf(account.id))) {
      await this.connectKeap(account.id);
    } else {
      // The sandbox forgets grants on restart: make sure the stored one still works.
      await this.keapTokens.accessTokenFor(account.id).catch(() => this.connectKeap(account.id));
    }
    if (!(await this.twilio.connectionOf(account.id))) {
      await this.senders.connect(account.id, {
        accountSid: process.env.SANDBOX_TWILIO_ACCOUNT_SID ?? 'AC00000000000000000000000000000001',
        authToken: process.env.SANDBOX_TWILIO_AUTH_TOKEN ?? 'sandbox-demo-auth-token-0000000001',
        apiKeySid: null,
        apiKeySecret: null,
      });
    }
    const existing = await this.toolRepository.byLiveKeyword(account.id, 'DEMO');
    if (!existing) {
      const created = await this.tools.create(account.id, 'Demo: favourite colour');
      await this.tools.update(
        account.id,
        created.id,
        demoToolDefinition(DEMO_NUMBER),
        created.draftRevision,
      );
      await this.tools.publish(account.id, created.id);
    } else {
      await this.senders.pointNumberAtApp(account.id, DEMO_NUMBER);
    }
    this.logger.log(
      `Demo account ready (Keap app ${DEMO_TENANT_ID}); text DEMO to ${DEMO_NUMBER} from the phone simulator`,
    );
    return account.id;
  }

  /** Walks the sandbox's consent page as the user would press "Allow", then exchanges the code. */
  private async connectKeap(accountId: string): Promise<void> {
    const redirectUri = `${this.config.PUBLIC_URL.replace(/\/$/, '')}/api/keap/callback`;
    const consent = await fetch(this.config.KEAP_AUTHORIZE_URL, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.config.KEAP_CLIENT_ID,
        redirect_uri: redirectUri,
        state: 'demo-seed',
        scope: 'full',
        tenant_id: DEMO_TENANT_ID,
        decision: 'allow',
      }).toString(),
    });
    const location = consent.headers.get('location');
    const code = location ? new URL(location).searchParams.get('code') : null;
    if (!code)
      throw new Error(
        `the Keap sandbox consent page did not grant a code (HTTP ${consent.status})`,
      );
    const tokens = await this.grant.exchangeCode(code, redirectUri);
    await this.keapTokens.store(accountId, tokens);
  }
}
