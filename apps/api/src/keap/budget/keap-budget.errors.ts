/** The call waited longer than `maxWaitMs` for Keap budget; the caller may retry later. */
export class KeapBudgetWaitTimeoutError extends Error {
  override readonly name = 'KeapBudgetWaitTimeoutError';
  constructor(
    readonly accountId: string,
    readonly waitedMs: number,
  ) {
    super(
      `Waited ${Math.round(waitedMs)} ms for Keap API budget for account ${accountId}; giving up.`,
    );
  }
}

/** The budget was closed (process shutting down) while the call was still waiting. */
export class KeapBudgetClosedError extends Error {
  override readonly name = 'KeapBudgetClosedError';
  constructor() {
    super('The Keap budget is closed; the call was not sent.');
  }
}

/** An account id or call kind the budget cannot key on (empty, or containing '|'). */
export class KeapBudgetInvalidCallError extends Error {
  override readonly name = 'KeapBudgetInvalidCallError';
}
