import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * twilio_connections.inbound_refused_since: when a webhook of the connected Twilio account first
 * failed the signature check with the saved Auth Token (rotated in Twilio's console), shown in the
 * console until credentials are saved again. refused_texts_since: set by that save, the texts
 * Twilio received since then wait to be fetched back from it; cleared once they are.
 */
export class TwilioInboundRefused1796167182305 implements MigrationInterface {
  name = 'TwilioInboundRefused1796167182305';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "twilio_connections" ADD "inbound_refused_since" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "twilio_connections" ADD "refused_texts_since" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "twilio_connections" DROP COLUMN "refused_texts_since"`);
    await queryRunner.query(`ALTER TABLE "twilio_connections" DROP COLUMN "inbound_refused_since"`);
  }
}
