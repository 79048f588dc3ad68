import { MigrationInterface, QueryRunner } from 'typeorm';

export class RuntimeConversations1795610446684 implements MigrationInterface {
  name = 'RuntimeConversations1795610446684';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "outbox" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "account_id" uuid NOT NULL,
                "conversation_id" uuid,
                "kind" text NOT NULL,
                "payload" jsonb NOT NULL,
                "published_at" TIMESTAMP WITH TIME ZONE,
                "done_at" TIMESTAMP WITH TIME ZONE,
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_057860f750981327db2624972c" ON "outbox" ("conversation_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "outbox_pending" ON "outbox" ("published_at")
            WHERE done_at IS NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "opt_outs" (
                "account_id" uuid NOT NULL,
                "sender_key" text NOT NULL,
                "phone" text NOT NULL,
                "source" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5a8f882cfc64be03239b51867a8" PRIMARY KEY ("account_id", "sender_key", "phone")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "contact_notes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "account_id" uuid NOT NULL,
                "tool_id" uuid NOT NULL,
                "contact_id" integer NOT NULL,
                "crm_note_id" text,
                "conversation_ids" jsonb NOT NULL DEFAULT '[]',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_263505a5e2d3aa2e4dde9a6bd04" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "contact_notes_tool_contact_unique" ON "contact_notes" ("tool_id", "contact_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "messages" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "account_id" uuid NOT NULL,
                "conversation_id" uuid,
                "direction" text NOT NULL,
                "phone" text NOT NULL,
                "sender_key" text NOT NULL,
                "body" text NOT NULL,
                "media_urls" jsonb NOT NULL DEFAULT '[]',
                "provider_sid" text,
                "status" text NOT NULL,
                "error_code" text,
                "step_id" text,
                "purpose" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_52062a38c976f03be87803a6ac1" UNIQUE ("provider_sid"),
                CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_d61d1bec4a104d044b6e5abd84" ON "messages" ("account_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3bc55a7c3f9ed54b520bb5cfe2" ON "messages" ("conversation_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "messages_pending_inbound" ON "messages" ("sender_key", "phone", "created_at")
            WHERE direction = 'in'
                AND status = 'received'
        `);
    await queryRunner.query(`
            CREATE TABLE "conversations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "account_id" uuid NOT NULL,
                "tool_id" uuid NOT NULL,
                "tool_version_id" uuid NOT NULL,
                "phone" text NOT NULL,
                "sender_key" text NOT NULL,
                "contact_id" integer,
                "contact" jsonb NOT NULL,
                "state" jsonb NOT NULL,
                "status" text NOT NULL,
                "current_step_id" text,
                "trigger" text NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ended_at" TIMESTAMP WITH TIME ZONE,
                "next_tick_at" TIMESTAMP WITH TIME ZONE,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "keap_calls" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3e605129623b629ddd0583740d" ON "conversations" ("contact_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "conversations_tool_started" ON "conversations" ("tool_id", "started_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "conversations_account_started" ON "conversations" ("account_id", "started_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "conversations_next_tick" ON "conversations" ("next_tick_at")
            WHERE ended_at IS NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "conversations_one_active_per_phone" ON "conversations" ("sender_key", "phone")
            WHERE ended_at IS NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "conversation_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "conversation_id" uuid NOT NULL,
                "type" text NOT NULL,
                "detail" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d69d1aeac5bf8d33983a582653d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "conversation_events_conversation" ON "conversation_events" ("conversation_id", "created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."conversation_events_conversation"
        `);
    await queryRunner.query(`
            DROP TABLE "conversation_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."conversations_one_active_per_phone"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."conversations_next_tick"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."conversations_account_started"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."conversations_tool_started"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3e605129623b629ddd0583740d"
        `);
    await queryRunner.query(`
            DROP TABLE "conversations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."messages_pending_inbound"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3bc55a7c3f9ed54b520bb5cfe2"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_d61d1bec4a104d044b6e5abd84"
        `);
    await queryRunner.query(`
            DROP TABLE "messages"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."contact_notes_tool_contact_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "contact_notes"
        `);
    await queryRunner.query(`
            DROP TABLE "opt_outs"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."outbox_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_057860f750981327db2624972c"
        `);
    await queryRunner.query(`
            DROP TABLE "outbox"
        `);
  }
}
