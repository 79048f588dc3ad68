import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const TAG_BYTES = 16;

/**
 * What a sealed value belongs to, bound to it as associated data: a value copied into another row
 * or account does not open there.
 */
export const sealedFor = {
  keapAccessToken: (accountId: string) => `keap-access-token:${accountId}`,
  keapRefreshToken: (accountId: string) => `keap-refresh-token:${accountId}`,
  twilioAuthToken: (accountId: string) => `twilio-auth-token:${accountId}`,
  twilioApiKeySecret: (accountId: string) => `twilio-api-key-secret:${accountId}`,
  toolUrlSecret: (toolId: string) => `tool-url-secret:${toolId}`,
};

/**
 * Encrypts secrets at rest (Keap tokens, Twilio auth tokens, tool URL secrets) with AES-256-GCM.
 * The stored form is `v2.<iv>.<tag>.<ciphertext>` in base64url, sealed with its context (see
 * `sealedFor`) as associated data. `v1` values (no context) open only through `openV1`, for the
 * migration that re-seals them.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyBase64: string) {
    this.key = Buffer.from(keyBase64, 'base64');
    if (this.key.length !== 32) throw new Error('SecretBox needs a 32-byte key (base64)');
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The secret sealed for `context`; throws for another context, another key, or tampering. */
  open(sealed: string, context: string): string {
    return this.decrypt(sealed, 'v2', context);
  }

  /** Migrations only: a value sealed before contexts were bound (`v1`). */
  openV1(sealed: string): string {
    return this.decrypt(sealed, 'v1', null);
  }

  private decrypt(sealed: string, expected: 'v1' | 'v2', context: string | null): string {
    const [version, iv, tag, data, extra] = sealed.split('.');
    if (version !== expected || !iv || !tag || data === undefined || extra !== undefined)
      throw new Error(`not a ${expected} sealed secret`);
    const authTag = Buffer.from(tag, 'base64url');
    // GCM would accept a tag cut short (down to 4 bytes), making forgeries far cheaper.
    if (authTag.length !== TAG_BYTES) throw new Error('sealed secret has a wrong-size tag');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    if (context !== null) decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(authTag);
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
