import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SecretBox, sealedFor } from '../../crypto/secret-box';
import { secretsKeyOf } from '../database-options';

/** Each column of sealed secrets, its row's key and the context its values are bound to. */
const SEALED_COLUMNS = [
  {
    table: 'keap_connections',
    key: 'account_id',
    column: 'access_token_sealed',
    context: sealedFor.keapAccessToken,
  },
  {
    table: 'keap_connections',
    key: 'account_id',
    column: 'refresh_token_sealed',
    context: sealedFor.keapRefreshToken,
  },
  {
    table: 'twilio_connections',
    key: 'account_id',
    column: 'auth_token_sealed',
    context: sealedFor.twilioAuthToken,
  },
  {
    table: 'twilio_connections',
    key: 'account_id',
    column: 'api_key_secret_sealed',
    context: sealedFor.twilioApiKeySecret,
  },
  { table: 'tools', key: 'id', column: 'url_secret', context: sealedFor.toolUrlSecret },
] as const;

/**
 * Re-seals every `v1` secret (sealed without context) as `v2`, bound to its row (see
 * crypto/secret-box.ts): afterwards a sealed value copied into another account's row or another
 * column does not open. Needs the app's SECRETS_KEY when there is anything to re-seal, like
 * SealToolUrlSecrets; a key that does not open them stops it before anything changes.
 */
export class SealSecretsWithContext1796400000001 implements MigrationInterface {
  name = 'SealSecretsWithContext1796400000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const found = [];
    for (const c of SEALED_COLUMNS) {
      const rows: { id: string; sealed: string }[] = await queryRunner.query(
        `SELECT ${c.key} AS id, ${c.column} AS sealed FROM ${c.table} WHERE ${c.column} LIKE 'v1.%'`,
      );
      found.push({ ...c, rows });
    }
    const count = found.reduce((n, c) => n + c.rows.length, 0);
    if (!count) return;
    const box = secretBoxFor(queryRunner, count);
    // Every value is opened before any is written: a wrong key changes nothing.
    const resealed = found.flatMap((c) =>
      c.rows.map((row) => {
        let plaintext: string;
        try {
          plaintext = box.openV1(row.sealed);
        } catch {
          throw new Error(
            `${count} sealed secret(s) must be re-sealed with the app's SECRETS_KEY, and this SECRETS_KEY does not open ${c.table}.${c.column} of ${row.id}: it is not the app's key.`,
          );
        }
        return { ...c, row, value: box.seal(plaintext, c.context(row.id)) };
      }),
    );
    for (const { table, key, column, row, value } of resealed) {
      // Each value once, whoever wins: another process may be migrating too.
      await queryRunner.query(
        `UPDATE ${table} SET ${column} = $2 WHERE ${key} = $1 AND ${column} = $3`,
        [row.id, value, row.sealed],
      );
    }
  }

  public async down(): Promise<void> {
    // The secrets stay v2: the app before this migration does not open them (restore a backup).
  }
}

function secretBoxFor(queryRunner: QueryRunner, count: number): SecretBox {
  const why = `${count} sealed secret(s) must be re-sealed with the app's SECRETS_KEY`;
  const key = secretsKeyOf(queryRunner.connection.options);
  if (!key)
    throw new Error(
      `${why}: run the migrations with SECRETS_KEY set to the app's key (the app passes it when it migrates at start).`,
    );
  try {
    return new SecretBox(key);
  } catch {
    throw new Error(`${why}: SECRETS_KEY must be 32 random bytes in base64.`);
  }
}
