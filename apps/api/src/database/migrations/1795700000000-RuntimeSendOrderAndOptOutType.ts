import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * messages.seq: the order texts were asked for (created_at is the same for every row of one
 * transaction), so the sends of one conversation go out in that order.
 * messages.opt_out_type: Twilio's Advanced Opt-Out verdict (STOP/START/HELP) on an inbound text.
 */
export class RuntimeSendOrderAndOptOutType1795700000000 implements MigrationInterface {
  name = 'RuntimeSendOrderAndOptOutType1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "messages"
            ADD "seq" BIGSERIAL NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "messages"
            ADD "opt_out_type" text
        `);
    await queryRunner.query(`
            CREATE INDEX "messages_conversation_unsent" ON "messages" ("conversation_id", "seq")
            WHERE direction = 'out' AND status IN ('queued', 'sending')
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."messages_conversation_unsent"
        `);
    await queryRunner.query(`
            ALTER TABLE "messages" DROP COLUMN "opt_out_type"
        `);
    await queryRunner.query(`
            ALTER TABLE "messages" DROP COLUMN "seq"
        `);
  }
}
