import {
  betweenNeverMatches,
  compareNumbers,
  formsMatch,
  normalisedPatternMatches,
  readForMatch,
  readPatternForMatch,
  type DecideNext,
  type MatchForms,
} from './conditions';
import { classifyKeyword, readNumber, type KeywordClass } from './reply';
import type { Condition, Inequality } from './tool.schema';

/**
 * Which branches of a "let me decide" a reply can ever take, found without running a
 * conversation: for each condition (and the fallback) a search for a witness, a reply that the
 * machine would send down that branch. Validation builds its step graph from this, so a branch no
 * reply can take is no way out of a loop.
 *
 * - `always`: some reply takes the branch, whatever the contact's fields hold.
 * - `some_contacts`: it depends on the contact: the condition compares with a contact field (a
 *   contact without a number there never matches it), or a condition above that does may take
 *   every reply this one would.
 * - `never`: no reply can: no words; only reserved words (STOP, HELP, … are taken as opt-outs or
 *   left to Twilio before conditions are tried); no number satisfies it; or conditions above take
 *   every reply it would match (e.g. a `*` catch-all above it).
 *
 * Sound for `always` (the witness is checked with the machine's own matching) and close to exact
 * otherwise; an exotic case it cannot settle counts as `never`, which only makes validation stricter.
 */

export type Reach = 'always' | 'some_contacts' | 'never';

export type NeverReason = 'no_words' | 'reserved_words' | 'no_number' | 'shadowed';

export interface ConditionReach {
  reach: Reach;
  /** Why a `never` condition never matches. */
  reason?: NeverReason;
  /** For `shadowed`: the first condition above that matches every reply (`*`), if one does. */
  catchAll?: number;
}

export interface DecideReach {
  conditions: ConditionReach[];
  fallback: Reach;
}

/** The replies the machine takes as opt-outs or leaves to Twilio before trying any condition. */
export function reservedReplyClass(reply: string): Exclude<KeywordClass, 'opt_in'> | null {
  const kind = classifyKeyword(reply);
  // START/YES/UNSTOP from a number in a conversation (so not opted out) are ordinary replies.
  return kind === 'opt_in' ? null : kind;
}

/** A pattern of only stars matches any reply at all. */
export function isCatchAllPattern(pattern: string): boolean {
  return /^\*+$/.test(pattern.trim());
}

interface Prepared {
  condition: Condition;
  /** equals_any: its non-blank patterns, as matching reads them. */
  patterns: MatchForms[];
  /** compare/between: its bounds (a field bound is unknown here). */
  sides: Inequality[];
  dependsOnContact: boolean;
  /** A range no number is in, also `> F and < F` against one field F. */
  contradictory: boolean;
}

/** A candidate reply, read once: as the machine reads it for words, as a number, as a keyword. */
interface Reply {
  read: MatchForms;
  number: number | null;
  reserved: boolean;
}

/**
 * How much matching one validation may spend telling whether a condition above takes a reply (one
 * unit per pattern or number condition tried). Beyond it a reply counts as taken: validation is
 * then stricter, never wrong the other way. Real tools stay far below it; a tool crafted with
 * thousands of patterns cannot stall the API or the console.
 */
export const REACH_BUDGET = 1_000_000;

/** A budget shared by the steps of one validation (see `REACH_BUDGET`). */
export interface ReachBudget {
  left: number;
}

export function decideReach(
  next: DecideNext,
  budget: ReachBudget = { left: REACH_BUDGET },
): DecideReach {
  const prepared = next.conditions.map(prepare);
  const filler = unusedCharacter(prepared);
  const numbers = witnessNumbers(prepared).map(read);
  const catchAllAt = prepared.findIndex((c) => c.patterns.some((p) => isCatchAllPattern(p.text)));
  // The words of the conditions above the one being judged, and their number conditions.
  const wordsAbove = new WordsAbove(budget);
  const numbersAbove: Prepared[] = [];

  const conditions = prepared.map((condition, index): ConditionReach => {
    const candidates =
      condition.condition.kind === 'equals_any'
        ? wordWitnesses(condition.patterns, filler)
        : numbers;
    let witnessed = false;
    let sawReserved = false;
    let reach: Reach = 'never';
    for (const reply of candidates) {
      if (reply.reserved) sawReserved = true;
      if (reply.reserved || !numberMightMatch(condition, reply)) continue;
      witnessed = true;
      // Words above match whatever the contact; a number condition above on a field might.
      if (wordsAbove.matches(reply.read)) continue;
      budget.left -= numbersAbove.length;
      if (budget.left < 0) continue;
      if (numbersAbove.some((above) => !above.dependsOnContact && numberMightMatch(above, reply)))
        continue;
      if (
        condition.dependsOnContact ||
        numbersAbove.some((above) => numberMightMatch(above, reply))
      ) {
        reach = 'some_contacts';
        // A condition on a field can do no better; another may still find a reply for all.
        if (condition.dependsOnContact) break;
        continue;
      }
      reach = 'always';
      break;
    }
    if (condition.condition.kind === 'equals_any') {
      for (const p of condition.patterns) wordsAbove.add(p);
    } else {
      numbersAbove.push(condition);
    }
    if (reach !== 'never') return { reach };
    if (!witnessed) {
      if (condition.condition.kind !== 'equals_any') return { reach: 'never', reason: 'no_number' };
      return { reach: 'never', reason: sawReserved ? 'reserved_words' : 'no_words' };
    }
    return catchAllAt !== -1 && catchAllAt < index
      ? { reach: 'never', reason: 'shadowed', catchAll: catchAllAt }
      : { reach: 'never', reason: 'shadowed' };
  });
  // A reply made of a character no pattern uses matches no condition, unless one catches all.
  return { conditions, fallback: catchAllAt === -1 ? 'always' : 'never' };
}

/**
 * Replies a condition's words match: each pattern as written and as its bare words ("👍7" is met
 * by "7"), its wildcards as a character no pattern uses or as nothing; each checked with the
 * machine's own matching, so a witness is sure.
 */
function wordWitnesses(patterns: readonly MatchForms[], filler: string): Reply[] {
  const replies: Reply[] = [];
  for (const p of patterns) {
    const written = new Set<string>();
    for (const form of [p.text, p.bare]) {
      written.add(form.replace(/\*+/g, filler));
      written.add(form.replace(/\*+/g, ''));
    }
    for (const text of written) {
      const reply = read(text);
      if (formsMatch(p, reply.read)) replies.push(reply);
    }
  }
  return replies;
}

function read(reply: string): Reply {
  return {
    read: readForMatch(reply),
    number: readNumber(reply),
    reserved: reservedReplyClass(reply) !== null,
  };
}

function prepare(condition: Condition): Prepared {
  const patterns: MatchForms[] = [];
  if (condition.kind === 'equals_any') {
    const seen = new Set<string>();
    for (const value of condition.values) {
      const p = readPatternForMatch(value);
      if (p.text === '' || seen.has(p.text)) continue;
      seen.add(p.text);
      patterns.push(p);
    }
  }
  const sides: Inequality[] =
    condition.kind === 'compare'
      ? [{ op: condition.op, value: condition.value }]
      : condition.kind === 'between'
        ? [condition.first, condition.second]
        : [];
  const dependsOnContact = sides.some((side) => side.value.source === 'field');
  let contradictory = false;
  if (condition.kind === 'between') {
    const { first, second } = condition;
    if (first.value.source === 'field' && second.value.source === 'field') {
      // Against the same field both bounds are the same unknown number: judge them as equal.
      contradictory =
        first.value.field === second.value.field &&
        betweenNeverMatches(
          { op: first.op, value: { source: 'static', value: 0 } },
          { op: second.op, value: { source: 'static', value: 0 } },
        );
    } else {
      contradictory = betweenNeverMatches(first, second);
    }
  }
  return { condition, patterns, sides, dependsOnContact, contradictory };
}

/**
 * For a number condition: whether it matches the reply for some contact (for every contact when
 * it uses no field). Words are judged elsewhere: an equals_any candidate comes from its own words.
 */
function numberMightMatch(prepared: Prepared, reply: Reply): boolean {
  if (prepared.condition.kind === 'equals_any') return true;
  const number = reply.number;
  if (number === null || prepared.contradictory) return false;
  // A field's value is unknown here: any number might satisfy a bound against it.
  return prepared.sides.every(
    ({ op, value }) => value.source === 'field' || compareNumbers(number, op, value.value),
  );
}

/** The words above a condition, by both forms matching reads (see `MatchForms`). */
class WordsAbove {
  private readonly texts: PatternIndex;
  private readonly bares: PatternIndex;
  constructor(budget: ReachBudget) {
    this.texts = new PatternIndex(budget);
    this.bares = new PatternIndex(budget);
  }
  add(p: MatchForms): void {
    this.texts.add(p.text);
    this.bares.add(p.bare);
  }
  matches(reply: MatchForms): boolean {
    return this.texts.matches(reply.text) || this.bares.matches(reply.bare);
  }
}

/**
 * Normalised patterns, looked up by what a text must start or end with, so asking whether any of
 * thousands of words matches a reply does not try them all.
 */
class PatternIndex {
  private readonly literals = new Set<string>();
  private readonly byHead = new Map<string, string[]>();
  private readonly byTail = new Map<string, string[]>();
  private readonly headLengths = new Set<number>();
  private readonly tailLengths = new Set<number>();
  /** Patterns that start and end with `*` ("*a*b*"): tried one by one. */
  private readonly floating: string[] = [];
  private catchAll = false;

  constructor(private readonly budget: ReachBudget) {}

  add(p: string): void {
    const first = p.indexOf('*');
    if (first === -1) return void this.literals.add(p);
    if (isCatchAllPattern(p)) return void (this.catchAll = true);
    const head = p.slice(0, first);
    const tail = p.slice(p.lastIndexOf('*') + 1);
    if (head !== '') push(this.byHead, head, p, this.headLengths);
    else if (tail !== '') push(this.byTail, tail, p, this.tailLengths);
    else this.floating.push(p);
  }

  matches(text: string): boolean {
    if (this.catchAll || this.literals.has(text)) return true;
    for (const length of this.headLengths) {
      if (length <= text.length && this.anyMatches(this.byHead.get(text.slice(0, length)), text))
        return true;
    }
    for (const length of this.tailLengths) {
      if (length <= text.length && this.anyMatches(this.byTail.get(text.slice(-length)), text))
        return true;
    }
    return this.anyMatches(this.floating, text);
  }

  private anyMatches(patterns: readonly string[] | undefined, text: string): boolean {
    if (patterns === undefined) return false;
    for (const p of patterns) {
      // Out of budget: count the reply as taken (see REACH_BUDGET).
      if (--this.budget.left < 0) return true;
      if (normalisedPatternMatches(p, text)) return true;
    }
    return false;
  }
}

function push(map: Map<string, string[]>, key: string, p: string, lengths: Set<number>) {
  const list = map.get(key);
  if (list === undefined) map.set(key, [p]);
  else list.push(p);
  lengths.add(key.length);
}

/** A character no pattern of the step uses (a private-use one, so no real reply is confused). */
function unusedCharacter(prepared: Prepared[]): string {
  const used = new Set<string>();
  for (const condition of prepared)
    for (const p of condition.patterns) for (const ch of p.text + p.bare) used.add(ch);
  let code = 0xe000;
  while (used.has(String.fromCodePoint(code))) code++;
  return String.fromCodePoint(code);
}

/**
 * Numbers that stand for every range the step's bounds can make: each bound, just either side of
 * it, and half-way between neighbours; each written the ways `readNumber` reads it, so a word
 * above ("7") cannot hide a number that is still reachable written otherwise ("7.", "$7").
 */
function witnessNumbers(prepared: readonly Prepared[]): string[] {
  const bounds = new Set<number>();
  for (const { sides } of prepared)
    for (const { value } of sides) if (value.source === 'static') bounds.add(value.value);
  const sorted = [...bounds].sort((a, b) => a - b);
  const points = new Set<number>(sorted.length === 0 ? [0] : []);
  sorted.forEach((bound, i) => {
    const step = Math.max(1, Math.abs(bound) * 1e-9);
    for (const point of [bound, bound - step, bound + step, bound - 0.5, bound + 0.5])
      points.add(point);
    const following = sorted[i + 1];
    if (following !== undefined) points.add(bound / 2 + following / 2);
  });
  const replies: string[] = [];
  for (const point of points) {
    if (!Number.isFinite(point)) continue;
    const plain = plainNumber(Math.abs(point));
    if (point < 0) replies.push(`-${plain}`, `-${plain}.`, `-$${plain}`, `$-${plain}`);
    else replies.push(plain, `${plain}.`, `$${plain}`, `+${plain}`);
  }
  return replies;
}

/** A non-negative number in digits (no exponent), as a contact would type it. */
function plainNumber(x: number): string {
  const text = String(x);
  if (!text.includes('e')) return text;
  if (x >= 1) return BigInt(x).toString();
  return x.toFixed(100).replace(/0+$/, '');
}
