import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * refused_http_starts: a Keap campaign's "Send HTTP Post" to a tool URL with the right secret that
 * started nothing (Keap disconnected, the tool not published or switched off, an unknown step),
 * kept for the console's refused starts because nobody reads Keap's 4xx answer. Each account keeps
 * its newest 500 (pruned on insert, by the index below).
 */
export class RefusedHttpStarts1796180237000 implements MigrationInterface {
  name = 'RefusedHttpStarts1796180237000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "refused_http_starts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "tool_id" uuid NOT NULL, "contact_id" integer NOT NULL, "start_step" text, "code" text NOT NULL, "reason" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_66527bf73b06482aa51db0575f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "refused_http_starts_account_created" ON "refused_http_starts" ("account_id", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."refused_http_starts_account_created"`);
    await queryRunner.query(`DROP TABLE "refused_http_starts"`);
  }
}
