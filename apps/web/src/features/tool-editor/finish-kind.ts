import { isClosingMessage, type Step } from '@sms-seq/engine';

/** A step as the form holds it while it is edited (fields may not be set yet). */
type FinishFacts = Partial<Pick<Step, 'next' | 'saveTo' | 'validation'>>;

/** Whether the step is a closing message: the engine ends the conversation as it is sent. */
export function isClosingStep(step: FinishFacts): boolean {
  return (
    step.next !== undefined &&
    isClosingMessage({
      next: step.next,
      saveTo: step.saveTo ?? null,
      validation: step.validation ?? 'none',
    })
  );
}

/**
 * What a finish step does, in the marketer's words; null for a step that does not finish. The
 * step form and the sequence map say the same.
 */
export function finishSentence(step: FinishFacts): string | null {
  if (step.next?.kind !== 'finish') return null;
  if (isClosingStep(step))
    return 'Closing message: the conversation ends as soon as this text is sent.';
  const saves = (step.saveTo ?? null) !== null;
  const checks = (step.validation ?? 'none') !== 'none';
  const what = saves && checks ? 'checks and saves it' : saves ? 'saves it' : 'checks it';
  return `Waits for the reply, ${what}, then ends.`;
}
