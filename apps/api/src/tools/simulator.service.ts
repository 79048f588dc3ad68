import { Injectable } from '@nestjs/common';
import { type SimulationResult, simulate } from '@sms-seq/engine';
import type { z } from 'zod';
import { InvalidInputError } from '../errors/domain-error';
import type { simulateBody } from './tool.dto';
import { ToolService } from './tool.service';

/** Runs a draft or a published version as a pretend contact: nothing is sent, Keap is never called. */
@Injectable()
export class SimulatorService {
  constructor(private readonly tools: ToolService) {}

  async run(
    accountId: string,
    toolId: string,
    input: z.infer<typeof simulateBody>,
  ): Promise<SimulationResult> {
    const definition = input.versionId
      ? (await this.tools.findVersion(accountId, toolId, input.versionId)).definition
      : (await this.tools.find(accountId, toolId)).draft;
    const startStepId = input.start.startStepId;
    if (startStepId !== undefined && !definition.steps.some((s) => s.id === startStepId)) {
      throw new InvalidInputError(
        'The step to start the simulation at is no longer in this tool. Choose another step.',
        { startStepId },
      );
    }
    return simulate(definition, {
      start: input.start.mode,
      startStepId: input.start.startStepId ?? null,
      contact: { fields: input.contact.fields },
      inputs: input.replies,
    });
  }
}
