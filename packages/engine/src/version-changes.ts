import { describeCondition } from './describe-condition';
import { findStandardContactField } from './contact-fields';
import type {
  ApiGoal,
  Condition,
  ContactFieldKey,
  Next,
  ReplyValidation,
  Sender,
  Step,
  ToolDefinition,
  ToolOptions,
} from './tool.schema';

/**
 * What changed between two versions of a tool, in words a Keap marketer reads in the version
 * history: "step Ask colour: message changed; condition 2 added", "step Ask size added",
 * "keyword changed from "JOIN" to "START"". Steps and conditions are matched by id (ids are kept
 * across versions; a step renamed is the same step), not by position.
 */

export interface DescribeChangesContext {
  /** A contact field's label by key (custom fields); a standard field's label, then the key, otherwise. */
  fieldLabel?: (key: ContactFieldKey) => string | null | undefined;
}

/** The same definition, whatever order its keys were stored in (jsonb reorders them). */
export function sameDefinition(a: ToolDefinition, b: ToolDefinition): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with every object's keys sorted, so two equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v);
    }
    return sorted;
  }
  return value;
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * The changes from `before` to `after`, one line per tool setting or step, in the order the
 * editor shows them (tool settings, then steps). Empty exactly when the definitions are the same:
 * a difference no rule below names still gives "other settings changed".
 */
export function describeChanges(
  before: ToolDefinition,
  after: ToolDefinition,
  context: DescribeChangesContext = {},
): string[] {
  if (sameDefinition(before, after)) return [];
  const lines = [
    ...toolChanges(before, after, context),
    ...optionChanges(before.options, after.options),
    ...stepChanges(before, after, context),
  ];
  return lines.length ? lines : ['other settings changed'];
}

// ---- The tool's own settings -----------------------------------------------------------------

function toolChanges(
  before: ToolDefinition,
  after: ToolDefinition,
  context: DescribeChangesContext,
): string[] {
  const lines: string[] = [];
  if (before.name !== after.name)
    lines.push(`tool renamed from ${quote(before.name)} to ${quote(after.name)}`);
  if (before.startMode !== after.startMode)
    lines.push(
      after.startMode === 'http_only'
        ? 'now starts only from a Keap campaign (HTTP Post), not by keyword'
        : 'now starts by keyword too, not only from a Keap campaign (HTTP Post)',
    );
  const was = before.keyword?.trim() || null;
  const now = after.keyword?.trim() || null;
  if (was !== now)
    lines.push(
      !was
        ? `keyword ${quote(now ?? '')} set`
        : !now
          ? `keyword ${quote(was)} removed`
          : `keyword changed from ${quote(was)} to ${quote(now)}`,
    );
  if (!same(before.sender, after.sender))
    lines.push(
      !before.sender
        ? `sender set to ${senderWords(after.sender)}`
        : !after.sender
          ? `sender ${senderWords(before.sender)} removed`
          : `sender changed from ${senderWords(before.sender)} to ${senderWords(after.sender)}`,
    );
  if (before.phoneField !== after.phoneField)
    lines.push(
      `phone field changed from ${fieldWords(before.phoneField, context)} to ${fieldWords(after.phoneField, context)}`,
    );
  if (before.collectEmailFirst !== after.collectEmailFirst)
    lines.push(
      after.collectEmailFirst
        ? 'now asks for the email address first'
        : 'no longer asks for the email address first',
    );
  return lines;
}

function optionChanges(before: ToolOptions, after: ToolOptions): string[] {
  const lines: string[] = [];
  if (before.createNote !== after.createNote)
    lines.push(
      after.createNote
        ? 'now writes the conversation into a Keap note'
        : 'no longer writes a Keap note',
    );
  lines.push(
    ...tagAndGoal(
      'opt-out',
      before.optOutTagId,
      after.optOutTagId,
      before.optOutGoal,
      after.optOutGoal,
    ),
    ...tagAndGoal(
      'invalid-number',
      before.invalidNumberTagId,
      after.invalidNumberTagId,
      before.invalidNumberGoal,
      after.invalidNumberGoal,
    ),
  );
  if (before.expiryMinutes !== after.expiryMinutes)
    lines.push(
      `conversations now expire after ${duration(after.expiryMinutes)} without a reply (was ${duration(before.expiryMinutes)})`,
    );
  const reminderWas = before.reminderMinutesBeforeExpiry;
  const reminderNow = after.reminderMinutesBeforeExpiry;
  if (reminderWas !== reminderNow)
    lines.push(
      reminderNow === null
        ? 'reminder turned off'
        : reminderWas === null
          ? `reminder turned on (${duration(reminderNow)} before expiry)`
          : `reminder now ${duration(reminderNow)} before expiry (was ${duration(reminderWas)})`,
    );
  if (before.reminderMessage !== after.reminderMessage) lines.push('reminder message changed');
  if (before.maxReasks !== after.maxReasks)
    lines.push(
      `a reply that fails its check is now asked again ${times(after.maxReasks)} (was ${times(before.maxReasks)})`,
    );
  if (!same(before.sendWindow, after.sendWindow))
    lines.push(
      !after.sendWindow
        ? 'quiet hours turned off'
        : !before.sendWindow
          ? `quiet hours turned on (texts sent ${after.sendWindow.start}–${after.sendWindow.end})`
          : `quiet hours changed (texts sent ${after.sendWindow.start}–${after.sendWindow.end}, ${after.sendWindow.defaultTimeZone})`,
    );
  return lines;
}

function tagAndGoal(
  what: string,
  tagBefore: number | null,
  tagAfter: number | null,
  goalBefore: ApiGoal | null | undefined,
  goalAfter: ApiGoal | null | undefined,
): string[] {
  return [
    ...(tagBefore !== tagAfter ? [`${what} tag ${changeWord(tagBefore, tagAfter)}`] : []),
    ...(!same(goal(goalBefore), goal(goalAfter))
      ? [`${what} goal ${changeWord(goal(goalBefore), goal(goalAfter))}`]
      : []),
  ];
}

// ---- Steps -----------------------------------------------------------------------------------

function stepChanges(
  before: ToolDefinition,
  after: ToolDefinition,
  context: DescribeChangesContext,
): string[] {
  const old = new Map(before.steps.map((step, index) => [step.id, { step, index }]));
  const kept = new Set(after.steps.filter((s) => old.has(s.id)).map((s) => s.id));
  const lines: string[] = [];
  const names = (steps: Step[]) => new Map(steps.map((s, i) => [s.id, stepName(s, i)]));
  const namesBefore = names(before.steps);
  const namesAfter = names(after.steps);
  // A step another points at is named as the version it belongs to names it.
  const target = (id: string | null, inAfter: boolean) =>
    id === null
      ? 'finish'
      : `step ${(inAfter ? namesAfter : namesBefore).get(id) ?? `(missing: ${id})`}`;
  const moved = movedSteps(
    before.steps.map((s) => s.id).filter((id) => kept.has(id)),
    after.steps.map((s) => s.id).filter((id) => kept.has(id)),
  );

  after.steps.forEach((step, index) => {
    const was = old.get(step.id);
    const label = `step ${stepName(step, index)}`;
    if (!was) {
      lines.push(`${label} added`);
      return;
    }
    const details = stepDetails(was.step, step, context, target);
    if (moved.has(step.id)) details.push(`moved to position ${index + 1}`);
    if (details.length) lines.push(`${label}: ${details.join('; ')}`);
  });
  before.steps.forEach((step, index) => {
    if (!after.steps.some((s) => s.id === step.id))
      lines.push(`step ${stepName(step, index)} removed`);
  });
  return lines;
}

/**
 * The kept steps whose place in the order changed: those outside the longest run both orders
 * share (one step dragged up moves one step, not every step it passed).
 */
function movedSteps(before: string[], after: string[]): Set<string> {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        before[i] === after[j]
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const staying = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (before[i] === after[j]) {
      staying.add(before[i]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  return new Set(after.filter((id) => !staying.has(id)));
}

function stepDetails(
  before: Step,
  after: Step,
  context: DescribeChangesContext,
  target: (id: string | null, inAfter: boolean) => string,
): string[] {
  const details: string[] = [];
  if (before.name !== after.name && before.name.trim() && after.name.trim())
    details.push(`renamed from ${quote(before.name)}`);
  else if (before.name !== after.name)
    details.push(after.name.trim() ? 'named (was untitled)' : `name ${quote(before.name)} removed`);
  if (before.message !== after.message) details.push('message changed');
  if (!same(before.mediaUrls, after.mediaUrls)) details.push(mediaWords(before, after));
  if (before.saveTo !== after.saveTo)
    details.push(
      after.saveTo === null
        ? 'no longer saves the reply'
        : before.saveTo === null
          ? `now saves the reply to ${fieldWords(after.saveTo, context)}`
          : `now saves the reply to ${fieldWords(after.saveTo, context)} (was ${fieldWords(before.saveTo, context)})`,
    );
  if (before.validation !== after.validation)
    details.push(
      `now accepts ${VALIDATION_WORDS[after.validation]} (was ${VALIDATION_WORDS[before.validation]})`,
    );
  if (before.reaskMessage !== after.reaskMessage) details.push('ask-again message changed');
  details.push(...nextDetails(before.next, after.next, context, target));
  return details;
}

function nextDetails(
  before: Next,
  after: Next,
  context: DescribeChangesContext,
  target: (id: string | null, inAfter: boolean) => string,
): string[] {
  if (same(before, after)) return [];
  if (before.kind !== after.kind || after.kind !== 'decide' || before.kind !== 'decide')
    return [
      `what happens next changed: ${NEXT_WORDS[after.kind]} (was: ${NEXT_WORDS[before.kind]})`,
    ];
  const details: string[] = [];
  const old = new Map(before.conditions.map((c, i) => [c.id, { condition: c, index: i }]));
  const keptBefore = before.conditions.filter((c) => after.conditions.some((a) => a.id === c.id));
  const keptAfter = after.conditions.filter((c) => old.has(c.id));
  after.conditions.forEach((condition, index) => {
    const was = old.get(condition.id);
    const label = `condition ${index + 1}`;
    if (!was) {
      details.push(`${label} added`);
      return;
    }
    const changed = conditionDetails(was.condition, condition, context, target);
    if (changed.length) details.push(`${label} ${changed.join(', ')}`);
  });
  before.conditions.forEach((condition, index) => {
    if (!after.conditions.some((c) => c.id === condition.id))
      details.push(`condition ${index + 1} removed`);
  });
  if (
    !same(
      keptBefore.map((c) => c.id),
      keptAfter.map((c) => c.id),
    )
  )
    details.push('conditions reordered (the first that matches wins)');
  if (before.fallbackStepId !== after.fallbackStepId)
    details.push(`no match now goes to ${target(after.fallbackStepId, true)}`);
  if (before.fallbackTagId !== after.fallbackTagId)
    details.push(`no-match tag ${changeWord(before.fallbackTagId, after.fallbackTagId)}`);
  if (!same(goal(before.fallbackGoal), goal(after.fallbackGoal)))
    details.push(
      `no-match goal ${changeWord(goal(before.fallbackGoal), goal(after.fallbackGoal))}`,
    );
  return details;
}

function conditionDetails(
  before: Condition,
  after: Condition,
  context: DescribeChangesContext,
  target: (id: string | null, inAfter: boolean) => string,
): string[] {
  const details: string[] = [];
  const describe = (c: Condition) => describeCondition(c, { fieldLabel: context.fieldLabel });
  const { tagId: _t1, goal: _g1, nextStepId: _n1, ...testBefore } = before;
  const { tagId: _t2, goal: _g2, nextStepId: _n2, ...testAfter } = after;
  if (!same(testBefore, testAfter)) {
    const was = describe(before);
    const now = describe(after);
    details.push(was === now ? 'changed' : `now matches when the ${now} (was: when the ${was})`);
  }
  if (before.nextStepId !== after.nextStepId)
    details.push(`now goes to ${target(after.nextStepId, true)}`);
  if (before.tagId !== after.tagId) details.push(`tag ${changeWord(before.tagId, after.tagId)}`);
  if (!same(goal(before.goal), goal(after.goal)))
    details.push(`goal ${changeWord(goal(before.goal), goal(after.goal))}`);
  return details;
}

// ---- Words -------------------------------------------------------------------------------------

const VALIDATION_WORDS: Record<ReplyValidation, string> = {
  none: 'any reply',
  email: 'only an email address',
  number: 'only a number',
};

const NEXT_WORDS: Record<Next['kind'], string> = {
  next: 'go to the next step',
  finish: 'finish',
  decide: 'decide by conditions',
};

/** A step as the editor lists it: its name, or its place when it has none. */
function stepName(step: Step, index: number): string {
  return step.name.trim() || `#${index + 1} (untitled)`;
}

function quote(text: string): string {
  return `"${text}"`;
}

function senderWords(sender: Sender | null): string {
  if (!sender) return 'none';
  return sender.kind === 'phone_number'
    ? sender.phoneNumber
    : `the messaging service ${sender.messagingServiceSid}`;
}

function fieldWords(key: ContactFieldKey, context: DescribeChangesContext): string {
  return (
    context.fieldLabel?.(key)?.trim() ||
    findStandardContactField(key)?.label ||
    key.replace(/^_/, '')
  );
}

function mediaWords(before: Step, after: Step): string {
  const added = after.mediaUrls.filter((url) => !before.mediaUrls.includes(url)).length;
  const removed = before.mediaUrls.filter((url) => !after.mediaUrls.includes(url)).length;
  if (added && !removed) return `${count(added, 'picture')} added`;
  if (removed && !added) return `${count(removed, 'picture')} removed`;
  return 'pictures changed';
}

/** A goal left with both names blank is no goal. */
function goal(g: ApiGoal | null | undefined): ApiGoal | null {
  return g && (g.integration.trim() || g.callName.trim()) ? g : null;
}

function changeWord(before: unknown, after: unknown): string {
  if (before === null || before === undefined) return 'added';
  if (after === null || after === undefined) return 'removed';
  return 'changed';
}

function duration(minutes: number): string {
  if (minutes % (60 * 24) === 0) return count(minutes / (60 * 24), 'day');
  if (minutes % 60 === 0) return count(minutes / 60, 'hour');
  return count(minutes, 'minute');
}

function times(n: number): string {
  return n === 0 ? 'never' : n === 1 ? 'once' : `up to ${n} times`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
