import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { KeapBudgetMetrics } from '../keap/budget/keap-budget.metrics';
import { SessionModule } from '../session/session.module';
import { KeapBudgetController } from './keap-budget.controller';
import { KeapBudgetReportService } from './keap-budget-report.service';

/**
 * Reports the shared Keap budget and what conversations spend of it: GET /api/keap/budget for the
 * signed-in account, and GET /metrics (Prometheus, when METRICS_ENABLED=true). Needs
 * KeapBudgetModule (global) for the budget itself.
 */
@Module({
  imports: [SessionModule, ConversationsModule],
  controllers: [KeapBudgetController],
  providers: [KeapBudgetReportService, KeapBudgetMetrics],
})
export class KeapBudgetReportModule {}
