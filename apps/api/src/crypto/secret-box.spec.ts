import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const aKey = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const box = new SecretBox(aKey());
    const sealed = box.seal('keap-refresh-token-123');
    expect(sealed).not.toContain('keap-refresh-token-123');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.open(sealed)).toBe('keap-refresh-token-123');
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox(aKey());
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered secret or the wrong key', () => {
    const box = new SecretBox(aKey());
    const sealed = box.seal('twilio-auth-token');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(aKey()).open(sealed)).toThrow();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32-byte/);
  });
});
