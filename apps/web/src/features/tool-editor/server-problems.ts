import {
  normaliseKeyword,
  type Problem,
  type ProblemCode,
  type ToolDefinition,
} from '@sms-seq/engine';
import { senderOption } from './sender-option';

/**
 * Problems only the server can judge, because they depend on the account's other tools: a
 * keyword already live on the same sender (the API checks the other tools' LIVE keyword and
 * sender, not their drafts). The browser judges everything else itself, live, with the engine.
 */
export const SERVER_ONLY_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['keyword_taken']);

type Start = Pick<ToolDefinition, 'startMode' | 'keyword' | 'sender'>;

const sameStart = (a: Partial<Start>, b: Start) =>
  a.startMode === b.startMode &&
  normaliseKeyword(a.keyword ?? '') === normaliseKeyword(b.keyword ?? '') &&
  senderOption(a.sender) === senderOption(b.sender);

/**
 * The live problems plus the server's own judgement of what only it can see. The server judged
 * the draft it last saved; while the form's start (mode, keyword, sender) still equals that
 * draft's, its verdict holds. Once the marketer changes one of them the old verdict no longer
 * applies, and the next autosave brings a new one.
 */
export function withServerProblems(
  live: readonly Problem[],
  server: readonly Problem[],
  judged: Start,
  current: Partial<Start>,
): Problem[] {
  if (!sameStart(current, judged)) return [...live];
  return [...live, ...server.filter((problem) => SERVER_ONLY_CODES.has(problem.code))];
}
