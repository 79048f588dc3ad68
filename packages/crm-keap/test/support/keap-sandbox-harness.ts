import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import {
  createSandbox,
  DEMO_TENANT_ID,
  SANDBOX_KEAP_CLIENT,
  type KeapSandbox,
} from '@sms-seq/sandbox';
import { KeapOAuth, type KeapTokens } from '../../src/keap-oauth';
import type { KeapTokenStore } from '../../src/token-manager';

export const REDIRECT_URI = 'http://127.0.0.1:9/keap/callback';

/** Tokens in memory, counting saves (the app keeps them encrypted in PostgreSQL). */
export class MemoryTokenStore implements KeapTokenStore {
  readonly saved: KeapTokens[] = [];
  private readonly tokens = new Map<string, KeapTokens>();
  async load(accountId: string): Promise<KeapTokens | null> {
    return this.tokens.get(accountId) ?? null;
  }
  async save(accountId: string, tokens: KeapTokens): Promise<void> {
    this.saved.push(tokens);
    this.tokens.set(accountId, tokens);
  }
}

/** The sandbox served on a free port, and an OAuth client pointed at it. */
export class KeapSandboxHarness {
  readonly http: AxiosInstance = axios.create();
  oauth!: KeapOAuth;
  keap!: KeapSandbox;
  baseUrl = '';
  private server?: Server;

  async start(): Promise<this> {
    const sandbox = createSandbox({ publicUrl: 'http://127.0.0.1' });
    this.keap = sandbox.keap;
    this.server = await new Promise<Server>((resolve) => {
      const s = sandbox.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.oauth = new KeapOAuth({
      clientId: SANDBOX_KEAP_CLIENT.clientId,
      clientSecret: SANDBOX_KEAP_CLIENT.clientSecret,
      authorizeUrl: `${this.baseUrl}/app/oauth/authorize`,
      tokenUrl: `${this.baseUrl}/token`,
      http: this.http,
    });
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** What the user does on the consent page: press "Allow"; returns the code from the redirect. */
  async approve(tenantId = DEMO_TENANT_ID, state = 'st'): Promise<string> {
    const res = await axios.post(
      `${this.baseUrl}/app/oauth/authorize`,
      new URLSearchParams({
        client_id: SANDBOX_KEAP_CLIENT.clientId,
        redirect_uri: REDIRECT_URI,
        state,
        tenant_id: tenantId,
        decision: 'allow',
      }).toString(),
      {
        maxRedirects: 0,
        validateStatus: (s) => s === 302,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
    );
    const location = new URL(String(res.headers.location));
    if (location.searchParams.get('state') !== state) throw new Error('state did not come back');
    return location.searchParams.get('code') ?? '';
  }

  async connect(tenantId = DEMO_TENANT_ID): Promise<KeapTokens> {
    return this.oauth.exchangeCode({
      code: await this.approve(tenantId),
      redirectUri: REDIRECT_URI,
      now: new Date(this.keap.now()),
    });
  }
}
