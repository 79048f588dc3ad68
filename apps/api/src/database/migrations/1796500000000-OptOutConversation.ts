import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which conversation an opt-out ended, so the console can say which tool the contact stopped
 * (issue 18). Opt-outs recorded before it take the conversation that ended as opted out with them.
 */
export class OptOutConversation1796500000000 implements MigrationInterface {
  name = 'OptOutConversation1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "conversation_id" uuid`);
    // The opt-out and the conversation's end were written in one transaction, moments apart.
    await queryRunner.query(`
            UPDATE "opt_outs" o SET "conversation_id" = (
                SELECT c.id FROM "conversations" c
                WHERE c.account_id = o.account_id AND c.sender_key = o.sender_key
                  AND c.phone = o.phone AND c.status = 'opted_out'
                  AND c.ended_at BETWEEN o.created_at - interval '1 minute' AND o.created_at + interval '1 minute'
                ORDER BY c.ended_at DESC LIMIT 1
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "conversation_id"`);
  }
}
