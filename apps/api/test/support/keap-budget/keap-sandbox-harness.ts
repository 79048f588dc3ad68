import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { createSandbox, type Sandbox } from '@sms-seq/sandbox';

type KeapQuotas = NonNullable<NonNullable<Parameters<typeof createSandbox>[0]['keap']>['quotas']>;

/**
 * The Keap stand-in on an ephemeral port, its clock running `timeScale` times faster than the
 * wall clock (20: Keap's minute lasts 3 s), with one tenant and one access token per account.
 */
export class KeapSandboxHarness {
  readonly tokens = new Map<string, string>();
  /** When each REST call reached the sandbox, on the sandbox's (scaled) clock. */
  arrivals: number[] = [];
  private constructor(
    readonly sandbox: Sandbox,
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(options: {
    timeScale: number;
    quotas: KeapQuotas;
    accounts: string[];
  }): Promise<KeapSandboxHarness> {
    const origin = Date.now();
    const now = () => origin + (Date.now() - origin) * options.timeScale;
    const sandbox = createSandbox({
      publicUrl: 'http://127.0.0.1',
      keap: { now, quotas: options.quotas },
    });
    const arrivals: number[] = [];
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/crm/')) arrivals.push(now());
      sandbox.app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const harness = new KeapSandboxHarness(sandbox, server, `http://127.0.0.1:${port}`);
    harness.arrivals = arrivals;
    const client = sandbox.keap.clients[0];
    if (!client) throw new Error('the Keap sandbox has no OAuth client');
    for (const accountId of options.accounts) {
      sandbox.keap.createTenant(accountId, accountId);
      const redirectUri = 'http://127.0.0.1/keap/callback';
      const code = sandbox.keap.issueAuthorizationCode({
        clientId: client.clientId,
        redirectUri,
        tenantId: accountId,
      });
      const tokens = sandbox.keap.exchangeToken({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      });
      harness.tokens.set(accountId, tokens.access_token);
    }
    return harness;
  }

  calls(): { total: number; throttled: number; byTenant: Record<string, Record<string, number>> } {
    return this.sandbox.keap.callCounts();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
