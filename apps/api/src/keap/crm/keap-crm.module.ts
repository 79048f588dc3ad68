import { Module } from '@nestjs/common';
import { CrmProvider } from '../../ports/crm.port';
import { KeapAuthModule } from '../auth/keap-auth.module';
import { KeapCrmProvider } from './keap-crm';

/** The runtime's CRM port, served by Keap (one field-model cache shared with the console's pickers). */
@Module({
  imports: [KeapAuthModule],
  providers: [KeapCrmProvider, { provide: CrmProvider, useExisting: KeapCrmProvider }],
  exports: [KeapCrmProvider, CrmProvider],
})
export class KeapCrmModule {}
