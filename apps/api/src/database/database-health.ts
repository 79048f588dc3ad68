import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Whether PostgreSQL answers (readiness): one trivial query on a pooled connection. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
