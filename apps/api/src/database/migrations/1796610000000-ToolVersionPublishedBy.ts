import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who published each version, for the version history (issue 16). Versions published before it
 * say nobody: who was signed in was not recorded then.
 */
export class ToolVersionPublishedBy1796610000000 implements MigrationInterface {
  name = 'ToolVersionPublishedBy1796610000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_versions" ADD "published_by" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_versions" DROP COLUMN "published_by"`);
  }
}
