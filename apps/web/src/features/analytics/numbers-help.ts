/** What "dropped off" means, said the same way on the funnel and beside the map's numbers. */
export const DROPPED_OFF_HELP =
  'Dropped off: the step was sent, then the conversation ended there without finishing: no reply before it expired, the contact texted STOP, the number could not receive texts, or it was ended by hand. Conversations still waiting for a reply are not counted.';
