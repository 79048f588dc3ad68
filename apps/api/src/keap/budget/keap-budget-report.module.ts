import { Module } from '@nestjs/common';
import { SessionModule } from '../../session/session.module';
import { KeapBudgetController } from './keap-budget.controller';
import { KeapBudgetMetrics } from './keap-budget.metrics';
import { KeapBudgetReportService } from './keap-budget-report.service';

/**
 * Reports the shared Keap budget: GET /api/keap/budget for the signed-in account, and GET /metrics
 * (Prometheus, when METRICS_ENABLED=true). Needs KeapBudgetModule (global) for the budget itself.
 */
@Module({
  imports: [SessionModule],
  controllers: [KeapBudgetController],
  providers: [KeapBudgetReportService, KeapBudgetMetrics],
})
export class KeapBudgetReportModule {}
