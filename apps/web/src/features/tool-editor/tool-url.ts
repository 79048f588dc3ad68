/**
 * The tool URL that starts the sequence at a chosen step: the API's tool URL reads `step` from the
 * query (a step id or name; apps/api webhooks/tool-url.controller.ts). The id is used: it survives
 * renaming the step.
 */
export function toolUrlStartingAt(toolUrl: string, stepId: string | null): string {
  if (!stepId) return toolUrl;
  const url = new URL(toolUrl);
  url.searchParams.set('step', stepId);
  return url.toString();
}
