import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the inbound reconciler has fetched back each number's texts up to (issue 14). */
export class InboundReconcileMarks1796400000000 implements MigrationInterface {
  name = 'InboundReconcileMarks1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inbound_reconcile_marks" ("account_id" uuid NOT NULL, "phone_number" text NOT NULL, "reconciled_until" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f117b48221f461362ecf9dafa59" PRIMARY KEY ("account_id", "phone_number"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "inbound_reconcile_marks" ADD CONSTRAINT "FK_8c7e6322dfaa24ae221ea82077c" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "inbound_reconcile_marks" DROP CONSTRAINT "FK_8c7e6322dfaa24ae221ea82077c"`,
    );
    await queryRunner.query(`DROP TABLE "inbound_reconcile_marks"`);
  }
}
