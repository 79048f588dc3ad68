import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * twilio_connections.status: 'rejected' once Twilio refused the saved credentials (20003 / 401)
 * on a call the app made with them, with the reason for the console; 'connected' again on the
 * next accepted call or when credentials are saved again.
 */
export class TwilioConnectionStatus1796163261722 implements MigrationInterface {
  name = 'TwilioConnectionStatus1796163261722';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "twilio_connections" ADD "status" text NOT NULL DEFAULT 'connected'`,
    );
    await queryRunner.query(`ALTER TABLE "twilio_connections" ADD "status_reason" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "twilio_connections" DROP COLUMN "status_reason"`);
    await queryRunner.query(`ALTER TABLE "twilio_connections" DROP COLUMN "status"`);
  }
}
