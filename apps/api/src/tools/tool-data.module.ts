import { Module } from '@nestjs/common';
import { ToolRepository } from './tool.repository';

/** Tools and their versions as data, for the runtime (which needs no console endpoints). */
@Module({
  providers: [ToolRepository],
  exports: [ToolRepository],
})
export class ToolDataModule {}
