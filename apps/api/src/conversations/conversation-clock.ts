import { nextTickAt, type ConversationState, type ToolDefinition } from '@sms-seq/engine';

/**
 * The engine counts tool-option durations (expiry, reminder) in real minutes. CONVERSATION_MINUTE_MS
 * says how long such a minute lasts on the wall clock: 60,000 in production, less in tests. The
 * engine never knows; these two functions translate between its time and the wall clock, measured
 * from the conversation's last activity.
 */
export class ConversationClock {
  private readonly scale: number;

  constructor(minuteMs: number) {
    this.scale = minuteMs / 60_000;
  }

  /** The wall-clock moment the engine's next tick falls due; null when none will. */
  nextTickWallTime(tool: ToolDefinition, state: ConversationState): Date | null {
    const due = nextTickAt(tool, state);
    if (due === null) return null;
    return this.toWall(state, Date.parse(due));
  }

  /** When the conversation expires without activity, on the wall clock. */
  expiryWallTime(tool: ToolDefinition, state: ConversationState): Date {
    return this.toWall(
      state,
      Date.parse(state.lastActivityAt) + tool.options.expiryMinutes * 60_000,
    );
  }

  /** The `at` of a tick sent now: the engine's time that corresponds to the wall clock's now. */
  engineTimeOfTick(state: ConversationState, now: Date): string {
    const last = Date.parse(state.lastActivityAt);
    return new Date(Math.floor(last + (now.getTime() - last) / this.scale)).toISOString();
  }

  private toWall(state: ConversationState, engineMs: number): Date {
    const last = Date.parse(state.lastActivityAt);
    return new Date(Math.ceil(last + (engineMs - last) * this.scale));
  }
}
