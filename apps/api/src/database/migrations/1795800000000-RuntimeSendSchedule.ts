import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * outbox.not_before: work planned for later (a send waiting for quiet hours to end or for its
 * sender's next slot); the relay leaves it alone until then.
 * messages.claimed_at: when the last send attempt was claimed; after an unknown outcome the
 * provider is searched from there before the text may go again.
 * messages_conversation_unsent: a text whose outcome is unknown holds back the later ones too.
 */
export class RuntimeSendSchedule1795800000000 implements MigrationInterface {
  name = 'RuntimeSendSchedule1795800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "outbox"
            ADD "not_before" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "messages"
            ADD "claimed_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            DROP INDEX "public"."messages_conversation_unsent"
        `);
    await queryRunner.query(`
            CREATE INDEX "messages_conversation_unsent" ON "messages" ("conversation_id", "seq")
            WHERE direction = 'out' AND status IN ('queued', 'sending', 'unknown')
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."messages_conversation_unsent"
        `);
    await queryRunner.query(`
            CREATE INDEX "messages_conversation_unsent" ON "messages" ("conversation_id", "seq")
            WHERE direction = 'out' AND status IN ('queued', 'sending')
        `);
    await queryRunner.query(`
            ALTER TABLE "messages" DROP COLUMN "claimed_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox" DROP COLUMN "not_before"
        `);
  }
}
