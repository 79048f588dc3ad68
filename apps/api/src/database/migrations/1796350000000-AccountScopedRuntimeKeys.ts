import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account becomes part of every runtime key: the one active conversation per phone, the live
 * keywords and Twilio's message ids are unique per account, not across accounts, so no account can
 * reach, squat or probe another's (issue 14).
 */
export class AccountScopedRuntimeKeys1796350000000 implements MigrationInterface {
  name = 'AccountScopedRuntimeKeys1796350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."conversations_one_active_per_phone"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "conversations_one_active_per_phone" ON "conversations" ("account_id", "sender_key", "phone") WHERE ended_at IS NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."tools_live_keyword_unique"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tools_live_keyword_unique" ON "tools" ("account_id", "live_sender_key", "live_keyword") WHERE deleted_at IS NULL AND live_keyword IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "messages" DROP CONSTRAINT "UQ_52062a38c976f03be87803a6ac1"`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "messages_account_provider_sid" ON "messages" ("account_id", "provider_sid") `,
    );
    await queryRunner.query(`DROP INDEX "public"."messages_pending_inbound"`);
    await queryRunner.query(
      `CREATE INDEX "messages_pending_inbound" ON "messages" ("account_id", "sender_key", "phone", "created_at") WHERE direction = 'in' AND status = 'received'`,
    );
  }

  /** Fails if two accounts now hold the same live keyword, phone line or message id: by design. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."messages_pending_inbound"`);
    await queryRunner.query(
      `CREATE INDEX "messages_pending_inbound" ON "messages" ("sender_key", "phone", "created_at") WHERE direction = 'in' AND status = 'received'`,
    );
    await queryRunner.query(`DROP INDEX "public"."messages_account_provider_sid"`);
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "UQ_52062a38c976f03be87803a6ac1" UNIQUE ("provider_sid")`,
    );
    await queryRunner.query(`DROP INDEX "public"."tools_live_keyword_unique"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tools_live_keyword_unique" ON "tools" ("live_sender_key", "live_keyword") WHERE deleted_at IS NULL AND live_keyword IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."conversations_one_active_per_phone"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "conversations_one_active_per_phone" ON "conversations" ("sender_key", "phone") WHERE ended_at IS NULL`,
    );
  }
}
