import { randomBytes } from 'node:crypto';
import { SecretBox, sealedFor } from './secret-box';
import { sealV1 } from '../../test/support/sealed-v1';

const aKey = () => randomBytes(32).toString('base64');
const A = sealedFor.keapRefreshToken('account-a');

describe('SecretBox', () => {
  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const box = new SecretBox(aKey());
    const sealed = box.seal('keap-refresh-token-123', A);
    expect(sealed).not.toContain('keap-refresh-token-123');
    expect(sealed.startsWith('v2.')).toBe(true);
    expect(box.open(sealed, A)).toBe('keap-refresh-token-123');
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox(aKey());
    expect(box.seal('same', A)).not.toBe(box.seal('same', A));
  });

  it('refuses a tampered secret or the wrong key', () => {
    const box = new SecretBox(aKey());
    const sealed = box.seal('twilio-auth-token', A);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), A)).toThrow();
    expect(() => new SecretBox(aKey()).open(sealed, A)).toThrow();
  });

  it("refuses a value sealed for one account when opened as another's (moved between rows)", () => {
    const box = new SecretBox(aKey());
    const sealed = box.seal('twilio-auth-token', sealedFor.twilioAuthToken('account-a'));
    expect(() => box.open(sealed, sealedFor.twilioAuthToken('account-b'))).toThrow();
    expect(() => box.open(sealed, sealedFor.twilioApiKeySecret('account-a'))).toThrow();
    expect(box.open(sealed, sealedFor.twilioAuthToken('account-a'))).toBe('twilio-auth-token');
  });

  it('refuses a tag cut short, which GCM alone would check only in part', () => {
    const box = new SecretBox(aKey());
    const parts = box.seal('keap-access-token', A).split('.');
    parts[2] = Buffer.from(parts[2] ?? '', 'base64url')
      .subarray(0, 4)
      .toString('base64url');
    expect(() => box.open(parts.join('.'), A)).toThrow(/wrong-size tag/);
  });

  it('opens a v1 value (sealed without a context) only through openV1, for the migration', () => {
    const key = aKey();
    const v1 = sealV1(key, 'keap-refresh-token-123');
    const box = new SecretBox(key);
    expect(() => box.open(v1, A)).toThrow(/not a v2/);
    expect(box.openV1(v1)).toBe('keap-refresh-token-123');
    expect(() => box.openV1(box.seal('x', A))).toThrow(/not a v1/);
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32-byte/);
  });
});
