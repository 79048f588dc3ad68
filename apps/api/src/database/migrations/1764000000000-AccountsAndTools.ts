import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountsAndTools1764000000000 implements MigrationInterface {
  name = 'AccountsAndTools1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "tools" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "account_id" uuid NOT NULL,
                "name" text NOT NULL,
                "draft" jsonb NOT NULL,
                "draft_revision" integer NOT NULL DEFAULT '1',
                "url_secret" text NOT NULL,
                "published_version_id" uuid,
                "enabled" boolean NOT NULL DEFAULT true,
                "live_sender_key" text,
                "live_keyword" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_e23d56734caad471277bad8bf85" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_09ad27caa87d76c95ccbccb8cc" ON "tools" ("account_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_cbcf23df788c8667dad173ed15" ON "tools" ("live_sender_key")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "tools_live_keyword_unique" ON "tools" ("live_sender_key", "live_keyword")
            WHERE deleted_at IS NULL
                AND live_keyword IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "keap_connections" (
                "account_id" uuid NOT NULL,
                "access_token_sealed" text NOT NULL,
                "refresh_token_sealed" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "scope" text NOT NULL DEFAULT '',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a8e59f6d30aa341fb06025c34e7" PRIMARY KEY ("account_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "tool_versions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tool_id" uuid NOT NULL,
                "account_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "definition" jsonb NOT NULL,
                "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b574acc95149ae7b32abf5a05e9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_5bba89ca34a4182a2568fdc152" ON "tool_versions" ("account_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "tool_versions_tool_version_unique" ON "tool_versions" ("tool_id", "version")
        `);
    await queryRunner.query(`
            CREATE TABLE "twilio_connections" (
                "account_id" uuid NOT NULL,
                "account_sid" text NOT NULL,
                "auth_token_sealed" text NOT NULL,
                "api_key_sid" text,
                "api_key_secret_sealed" text,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_ec9aa3cb3bd4e7472d5206e1266" UNIQUE ("account_sid"),
                CONSTRAINT "PK_70a8d963959914a178f31bbc6e9" PRIMARY KEY ("account_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "accounts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "keap_app_name" text NOT NULL,
                "name" text NOT NULL DEFAULT '',
                "status" text NOT NULL DEFAULT 'active',
                "status_reason" text,
                "default_country" text NOT NULL DEFAULT 'US',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_5772342ab46beb0197772df307c" UNIQUE ("keap_app_name"),
                CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "tools"
            ADD CONSTRAINT "FK_09ad27caa87d76c95ccbccb8cc3" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "keap_connections"
            ADD CONSTRAINT "FK_a8e59f6d30aa341fb06025c34e7" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "tool_versions"
            ADD CONSTRAINT "FK_9697d0048315655a51227fcf254" FOREIGN KEY ("tool_id") REFERENCES "tools"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "twilio_connections"
            ADD CONSTRAINT "FK_70a8d963959914a178f31bbc6e9" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "twilio_connections" DROP CONSTRAINT "FK_70a8d963959914a178f31bbc6e9"
        `);
    await queryRunner.query(`
            ALTER TABLE "tool_versions" DROP CONSTRAINT "FK_9697d0048315655a51227fcf254"
        `);
    await queryRunner.query(`
            ALTER TABLE "keap_connections" DROP CONSTRAINT "FK_a8e59f6d30aa341fb06025c34e7"
        `);
    await queryRunner.query(`
            ALTER TABLE "tools" DROP CONSTRAINT "FK_09ad27caa87d76c95ccbccb8cc3"
        `);
    await queryRunner.query(`
            DROP TABLE "accounts"
        `);
    await queryRunner.query(`
            DROP TABLE "twilio_connections"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."tool_versions_tool_version_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_5bba89ca34a4182a2568fdc152"
        `);
    await queryRunner.query(`
            DROP TABLE "tool_versions"
        `);
    await queryRunner.query(`
            DROP TABLE "keap_connections"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."tools_live_keyword_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_cbcf23df788c8667dad173ed15"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_09ad27caa87d76c95ccbccb8cc"
        `);
    await queryRunner.query(`
            DROP TABLE "tools"
        `);
  }
}
