import { randomBytes } from 'node:crypto';
import type { Sandbox } from '@sms-seq/sandbox';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../src/crypto/secret-box';

let nextNumber = 40;

/**
 * An account with its own Keap tenant and its own Twilio account and number in the sandbox (one
 * Twilio account connects to one account only), as separate customers are.
 */
export async function aCustomer(
  ds: DataSource,
  sandbox: Sandbox,
  secretsKey: string,
  options: { tenantId: string; smsUrl: string },
): Promise<{ accountId: string; number: string }> {
  const keapClient = sandbox.keap.clients[0];
  if (!keapClient) throw new Error('the Keap sandbox has no OAuth client');
  sandbox.keap.createTenant(options.tenantId, `Tenant ${options.tenantId}`);
  const redirectUri = 'http://127.0.0.1/callback';
  const code = sandbox.keap.issueAuthorizationCode({
    clientId: keapClient.clientId,
    redirectUri,
    tenantId: options.tenantId,
  });
  const tokens = sandbox.keap.exchangeToken({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: keapClient.clientId,
    client_secret: keapClient.clientSecret,
  });
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const twilioAccount = {
    sid: accountSid,
    authToken,
    friendlyName: options.tenantId,
    apiKeys: [],
    dateCreated: new Date(),
  };
  sandbox.twilio.accounts.set(accountSid, twilioAccount);
  // A fresh number in the fictional 555-01xx range, offered and bought for this account only.
  const phoneNumber = `+1415555${String(100 + (nextNumber++ % 100)).padStart(4, '0')}`;
  sandbox.twilio.availableNumbers.push({
    phoneNumber,
    kind: 'local',
    locality: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    rateCenter: 'SNFC CNTRL',
    lata: '722',
  });
  const number = sandbox.twilio.buyNumber(twilioAccount, { phoneNumber, smsUrl: options.smsUrl });

  const box = new SecretBox(secretsKey);
  const [account] = await ds.query(
    `INSERT INTO accounts (keap_app_name, name) VALUES ($1, $2) RETURNING id`,
    [`${options.tenantId}-${randomBytes(3).toString('hex')}`, options.tenantId],
  );
  const accountId: string = account.id;
  await ds.query(
    `INSERT INTO keap_connections (account_id, access_token_sealed, refresh_token_sealed, expires_at) VALUES ($1, $2, $3, $4)`,
    [
      accountId,
      box.seal(tokens.access_token),
      box.seal(tokens.refresh_token),
      new Date(Date.now() + tokens.expires_in * 1000),
    ],
  );
  await ds.query(
    `INSERT INTO twilio_connections (account_id, account_sid, auth_token_sealed) VALUES ($1, $2, $3)`,
    [accountId, accountSid, box.seal(authToken)],
  );
  return { accountId, number: number.phoneNumber };
}
