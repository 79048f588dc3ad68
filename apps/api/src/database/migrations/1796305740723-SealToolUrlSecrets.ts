import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SecretBox, sealedFor } from '../../crypto/secret-box';
import { secretsKeyOf } from '../database-options';

/**
 * Seals the tool URL secrets stored in clear before sealing existed (see tools/tool-url.ts), with
 * the app's SECRETS_KEY: the app, migrating at start, and the migration CLI hand it to the
 * DataSource. With secrets in clear to seal, it refuses to run without that key, or with a key
 * that does not open the secrets already sealed: sealed with another key, those tool URLs (pasted
 * into Keap campaigns) would stop working for good. Without any, it needs no key.
 */
export class SealToolUrlSecrets1796305740723 implements MigrationInterface {
  name = 'SealToolUrlSecrets1796305740723';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const rows: { id: string; url_secret: string }[] = await queryRunner.query(
      `SELECT id, url_secret FROM tools WHERE url_secret NOT LIKE 'v1.%' AND url_secret NOT LIKE 'v2.%'`,
    );
    if (!rows.length) return;
    const box = await appSecretBox(queryRunner, rows.length);
    for (const row of rows) {
      // Each row once, whoever wins: another process may be migrating too.
      await queryRunner.query(
        `UPDATE tools SET url_secret = $2 WHERE id = $1 AND url_secret = $3`,
        [row.id, box.seal(row.url_secret, sealedFor.toolUrlSecret(row.id)), row.url_secret],
      );
    }
  }

  public async down(): Promise<void> {
    // The secrets stay sealed: the app before this migration opens sealed ones too.
  }
}

/** The box of the DataSource's key, once that key is known to open what the app sealed before. */
async function appSecretBox(queryRunner: QueryRunner, inClear: number): Promise<SecretBox> {
  const why = `${inClear} tool URL secret(s) are stored in clear and must be sealed with the app's SECRETS_KEY`;
  const key = secretsKeyOf(queryRunner.connection.options);
  if (!key)
    throw new Error(
      `${why}: run the migrations with SECRETS_KEY set to the app's key (the app passes it when it migrates at start).`,
    );
  let box: SecretBox;
  try {
    box = new SecretBox(key);
  } catch {
    throw new Error(`${why}: SECRETS_KEY must be 32 random bytes in base64.`);
  }
  const [sealed]: { s: string }[] = await queryRunner.query(
    `SELECT url_secret AS s FROM tools WHERE url_secret LIKE 'v1.%'
     UNION ALL SELECT access_token_sealed FROM keap_connections WHERE access_token_sealed LIKE 'v1.%'
     UNION ALL SELECT auth_token_sealed FROM twilio_connections WHERE auth_token_sealed LIKE 'v1.%'
     LIMIT 1`,
  );
  if (sealed) {
    try {
      box.openV1(sealed.s);
    } catch {
      throw new Error(
        `${why}, and this SECRETS_KEY does not open the secrets already sealed in the database: it is not the app's key.`,
      );
    }
  }
  return box;
}
