import type { Step } from '@sms-seq/engine';

/** A step as pickers, the map and the delete confirmation name it: "#2 Ask colour". */
export const stepLabel = (step: Pick<Step, 'name' | 'id'>, index: number) =>
  `#${index + 1} ${step.name || 'Untitled step'}`;
