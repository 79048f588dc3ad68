import { randomBytes } from 'node:crypto';
import type { Sandbox } from '@sms-seq/sandbox';
import type { DataSource } from 'typeorm';
import { anAccountConnectedTo, replyMatching } from '../runtime/builders';
import type { RuntimeHarness } from '../runtime/runtime-harness';

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
  sandbox.keap.createTenant(options.tenantId, `Tenant ${options.tenantId}`);
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
  const { accountId } = await anAccountConnectedTo(ds, sandbox, secretsKey, {
    tenantId: options.tenantId,
    name: options.tenantId,
    twilio: { accountSid, authToken },
  });
  return { accountId, number: number.phoneNumber };
}

/**
 * A customer (as aCustomer) with a published campaign tool started by HTTP Post on its number:
 * one question (`campaign.question`) whose answer is saved to Nickname (unless `saveTo` says
 * otherwise; null: not saved); a reply with "blue" gets the tenant's "Likes blue" tag and ends it,
 * as any other reply does. With `createNote`, the transcript goes to a note.
 */
export async function aCampaignCustomer(
  h: RuntimeHarness,
  tenantId: string,
  name: string,
  campaign: { question?: string; saveTo?: string | null; createNote?: boolean } = {},
): Promise<{
  accountId: string;
  tenantId: string;
  tool: { toolId: string; secret: string };
  tagId: number;
  number: string;
}> {
  const { accountId, number } = await aCustomer(h.ds, h.sandbox, h.t.config.SECRETS_KEY, {
    smsUrl: h.smsUrl,
    tenantId,
  });
  const tagId = Number(
    h.sandbox.keap.createTag(h.sandbox.keap.tenant(tenantId), { name: 'Likes blue' }).id,
  );
  const tool = await h.publishedTool(accountId, {
    name,
    sender: { kind: 'phone_number', phoneNumber: number },
    keyword: null,
    startMode: 'http_only',
    options: { createNote: campaign.createNote ?? false },
    steps: [
      {
        id: 'ask',
        name: 'Ask',
        message: campaign.question ?? 'Hi ~Contact.FirstName~, favourite colour?',
        saveTo: campaign.saveTo === undefined ? 'Nickname' : campaign.saveTo,
        // One reply ends it: tag it (when it says blue), finish.
        next: replyMatching(['*blue*'], { tagId, nextStepId: null }),
      },
    ],
  });
  return { accountId, tenantId, tool, tagId, number };
}
