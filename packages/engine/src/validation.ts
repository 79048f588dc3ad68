import Graph from 'graphology';
import { bfsFromNode } from 'graphology-traversal';
import type { z } from 'zod';
import {
  EMAIL_FIELD_KEYS,
  findStandardContactField,
  isKnownContactField,
  suggestContactField,
} from './contact-fields';
import { renderMergeFields, scanMergeTokens, type MalformedMergeToken } from './merge-fields';
import {
  REACH_BUDGET,
  decideReach,
  isCatchAllPattern,
  reservedReplyClass,
  type ConditionReach,
  type DecideReach,
  type Reach,
} from './reach';
import { classifyKeyword, normaliseKeyword } from './reply';
import { schemaIssueSentence } from './schema-problems';
import {
  toolDefinitionSchema,
  type ApiGoal,
  type Condition,
  type Step,
  type StepId,
  type ToolDefinition,
} from './tool.schema';

/**
 * Every problem of a tool at once, each with the path of the field it is about, so the console can
 * mark the field and the sequence map the step. Errors block publishing; warnings do not.
 */

export type ProblemPath = (string | number)[];
export type ProblemSeverity = 'error' | 'warning';

/** Every problem code, so a client (and a test) can walk them all. */
export const PROBLEM_CODES = [
  'schema',
  'no_steps',
  'duplicate_step_id',
  'missing_step',
  'no_finish',
  'trap_loop',
  'unreachable_step',
  'empty_message',
  'too_many_media',
  'media_url_invalid',
  'media_may_be_too_large',
  'body_too_long',
  'body_may_be_too_long',
  'keyword_missing',
  'keyword_reserved',
  'keyword_taken',
  'sender_missing',
  'email_first_step',
  'opt_out_language_missing',
  'unknown_field',
  'merge_field_unknown',
  'merge_field_malformed',
  'merge_field_before_contact',
  'unsupported_merge_field',
  'between_never_matches',
  'condition_empty',
  'condition_shadowed',
  'condition_reserved_word',
  'phone_field_not_phone',
  'reminder_after_expiry',
  'goal_name_invalid',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface Problem {
  path: ProblemPath;
  severity: ProblemSeverity;
  code: ProblemCode;
  message: string;
}

export interface ValidationContext {
  /**
   * 'publish' (default) makes what a live tool cannot do without an error; 'draft' lets a
   * half-built tool save with warnings instead (e.g. no sender chosen yet).
   */
  purpose?: 'draft' | 'publish';
  /** Keywords of the account's other tools on the same sender (any case). */
  otherKeywordsOnSender?: readonly string[];
  /** The account's custom field keys (`_FavoriteColor`); unknown: custom fields are not checked. */
  customFieldKeys?: readonly string[];
}

/** Twilio refuses bodies over 1,600 characters. */
export const MAX_BODY_LENGTH = 1600;
export const MAX_MEDIA = 10;
/** Room a filled-in merge field is assumed to take when judging the length of a message. */
const ASSUMED_MERGE_VALUE_LENGTH = 30;
/** Twilio resizes these for carriers; anything else must itself fit the ~500 KB carriers accept. */
const RESIZED_IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];
const OPT_OUT_LANGUAGE = /\b(stop|unsubscribe|opt[\s-]?out)\b/i;
const FINISH = '__finish__';

export function validateTool(tool: ToolDefinition, context: ValidationContext = {}): Problem[] {
  const problems: Problem[] = [];
  const publishing = (context.purpose ?? 'publish') === 'publish';
  const add = (severity: ProblemSeverity, code: ProblemCode, path: ProblemPath, message: string) =>
    problems.push({ path, severity, code, message });

  // Which branches replies can take, worked out once: the condition warnings and the graph use it.
  const budget = { left: REACH_BUDGET };
  const reach = tool.steps.map((step) =>
    step.next.kind === 'decide' ? decideReach(step.next, budget) : null,
  );
  checkStart(tool, context, publishing, add);
  checkSteps(tool, context, reach, add);
  const graph = checkGraph(tool, reach, add);
  checkOptOutLanguage(tool, graph, add);
  checkOptions(tool, context, add);
  return problems;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

type Add = (
  severity: ProblemSeverity,
  code: ProblemCode,
  path: ProblemPath,
  message: string,
) => void;

function checkStart(
  tool: ToolDefinition,
  context: ValidationContext,
  publishing: boolean,
  add: Add,
) {
  if (tool.sender === null) {
    add(
      publishing ? 'error' : 'warning',
      'sender_missing',
      ['sender'],
      'Choose the Twilio phone number or messaging service that sends this sequence.',
    );
  }
  const keywordMode = tool.startMode === 'keyword_or_http';
  if (keywordMode) {
    const keyword = tool.keyword === null ? '' : normaliseKeyword(tool.keyword);
    if (keyword === '') {
      add(
        'error',
        'keyword_missing',
        ['keyword'],
        'Enter the keyword contacts text to start this sequence.',
      );
    } else if (classifyKeyword(keyword) !== null) {
      add(
        'error',
        'keyword_reserved',
        ['keyword'],
        `"${keyword}" is a reserved word (STOP, START, HELP and similar words stop, restart or explain texting). Choose another keyword.`,
      );
    } else if (
      (context.otherKeywordsOnSender ?? []).some((other) => normaliseKeyword(other) === keyword)
    ) {
      add(
        'error',
        'keyword_taken',
        ['keyword'],
        `Another sequence on this number already starts with "${keyword}". Choose another keyword or another number.`,
      );
    }
  }
  if (
    findStandardContactField(tool.phoneField)?.kind !== 'phone' &&
    !tool.phoneField.startsWith('_')
  ) {
    add(
      'warning',
      'phone_field_not_phone',
      ['phoneField'],
      `${fieldCalled(tool.phoneField)} is not a phone field, yet texts go to the number stored in it. Choose a phone field such as Phone 1.`,
    );
  }
  const first = tool.steps[0];
  if (keywordMode && tool.collectEmailFirst && first !== undefined) {
    if (first.saveTo === null || !EMAIL_FIELD_KEYS.includes(first.saveTo)) {
      add(
        'error',
        'email_first_step',
        ['steps', 0, 'saveTo'],
        'With "collect email first", the first step asks for the email address: save its reply to an email field.',
      );
    }
    if (first.validation !== 'email') {
      add(
        'error',
        'email_first_step',
        ['steps', 0, 'validation'],
        'With "collect email first", the first step must check that the reply is an email address.',
      );
    }
  }
}

function checkSteps(
  tool: ToolDefinition,
  context: ValidationContext,
  reach: readonly (DecideReach | null)[],
  add: Add,
) {
  if (tool.steps.length === 0) {
    add('error', 'no_steps', ['steps'], 'Add at least one step: the message the sequence sends.');
    return;
  }
  const seen = new Set<StepId>();
  const ids = new Set(tool.steps.map((step) => step.id));
  // A keyword start with email first sends the first step (and its re-asks) to an unknown contact.
  const contactUnknownAtFirst = tool.startMode === 'keyword_or_http' && tool.collectEmailFirst;
  tool.steps.forEach((step, index) => {
    const at: ProblemPath = ['steps', index];
    if (seen.has(step.id)) {
      add(
        'error',
        'duplicate_step_id',
        [...at, 'id'],
        `${stepCalled(step, index)} has the same internal reference as an earlier step, so its replies would be handled there. Delete it and add it again.`,
      );
    }
    seen.add(step.id);
    const contactUnknown = index === 0 && contactUnknownAtFirst;
    checkText(step.message, [...at, 'message'], context, add, {
      label: 'message',
      required: step.mediaUrls.length === 0,
      hasMedia: step.mediaUrls.length > 0,
      contactUnknown,
    });
    checkText(step.reaskMessage, [...at, 'reaskMessage'], context, add, {
      label: 're-ask text',
      required: false,
      hasMedia: false,
      contactUnknown,
    });
    checkMedia(step, at, add);
    if (step.saveTo !== null) checkField(step.saveTo, [...at, 'saveTo'], context, add);
    const stepReach = reach[index];
    if (step.next.kind === 'decide' && stepReach !== null && stepReach !== undefined) {
      const next = step.next;
      next.conditions.forEach((condition, c) => {
        const conditionAt: ProblemPath = [...at, 'next', 'conditions', c];
        if (condition.nextStepId !== null && !ids.has(condition.nextStepId)) {
          add(
            'error',
            'missing_step',
            [...conditionAt, 'nextStepId'],
            'This condition sends a step that no longer exists. Choose another step, or finish.',
          );
        }
        checkConditionFields(condition, conditionAt, context, add);
        checkConditionReach(condition, conditionAt, stepReach.conditions[c], add);
      });
      if (next.fallbackStepId !== null && !ids.has(next.fallbackStepId)) {
        add(
          'error',
          'missing_step',
          [...at, 'next', 'fallbackStepId'],
          'The fallback sends a step that no longer exists. Choose another step, or finish.',
        );
      }
    }
  });
}

/** Warnings for a condition that some or all replies can never reach. */
function checkConditionReach(
  condition: Condition,
  at: ProblemPath,
  reach: ConditionReach | undefined,
  add: Add,
) {
  if (condition.kind === 'equals_any') {
    if (!condition.values.some((value) => value.trim() !== '')) {
      add(
        'warning',
        'condition_empty',
        [...at, 'values'],
        'Add the words or phrases this condition looks for; as it is, it never matches.',
      );
    }
    condition.values.forEach((value, v) => {
      const message = reservedWordMessage(value);
      if (message !== null)
        add('warning', 'condition_reserved_word', [...at, 'values', v], message);
    });
  }
  if (reach?.reason === 'no_number' && condition.kind === 'between') {
    add(
      'warning',
      'between_never_matches',
      at,
      'No number can satisfy both limits of this "between" condition, so it never matches.',
    );
  }
  if (reach?.reason === 'shadowed') {
    add(
      'warning',
      'condition_shadowed',
      at,
      reach.catchAll !== undefined
        ? `Condition ${reach.catchAll + 1} above matches every reply ("*"), so this one is never reached.`
        : 'The conditions above already match every reply this one would, so it is never reached.',
    );
  }
}

/** What a contact who sends this word gets instead of this condition, or null for a plain word. */
function reservedWordMessage(value: string): string | null {
  const word = value.trim().replace(/\s+/g, ' ');
  if (word === '' || isCatchAllPattern(word)) return null;
  // A wildcard is not a reply's punctuation: "*stop*" is read by its bare word below.
  const exact = word.includes('*') ? null : reservedReplyClass(word);
  const bare = word.replace(/\*/g, '').trim();
  const kind = exact ?? (word.includes('*') ? reservedReplyClass(bare) : null);
  if (kind === null) return null;
  const shown = (exact !== null ? word : bare).toUpperCase();
  const instead =
    kind === 'opt_out'
      ? `${shown} is a standard opt-out word: a contact who replies ${shown} is opted out (the conversation ends and nothing more is sent to the number until it texts START)`
      : `${shown} is a standard help word: it is not taken as a reply (carriers expect the number's help message in answer) and the step keeps waiting`;
  return exact !== null
    ? `${instead}, so "${value.trim()}" never matches. Ask contacts for another word or a number.`
    : `${instead}, so a reply of just ${shown} never matches "${value.trim()}".`;
}

interface TextRules {
  /** What the text is, in messages ("message", "re-ask text"). */
  label: string;
  /** Whether an empty text is an error (a step with no media must say something). */
  required: boolean;
  hasMedia: boolean;
  /** Sent before the contact is known (keyword start with email first): merge fields are empty. */
  contactUnknown: boolean;
}

/** The checks of every text the machine sends: a step's message, its re-ask, the reminder. */
function checkText(
  text: string,
  path: ProblemPath,
  context: ValidationContext,
  add: Add,
  rules: TextRules,
) {
  if (text.trim() === '') {
    if (rules.required) add('error', 'empty_message', path, 'Write the message this step sends.');
    return;
  }
  const { tokens, malformed } = scanMergeTokens(text);
  const contactTokens = tokens.filter((token) => token.object === 'Contact');
  const fixed = [...tokens, ...malformed]
    .sort((a, b) => b.index - a.index)
    .reduce(
      (rest, token) => rest.slice(0, token.index) + rest.slice(token.index + token.token.length),
      text,
    );
  if (fixed.length > MAX_BODY_LENGTH) {
    add(
      'error',
      'body_too_long',
      path,
      `The ${rules.label} is ${fixed.length} characters long; texts can hold at most ${MAX_BODY_LENGTH}.`,
    );
  } else if (fixed.length + contactTokens.length * ASSUMED_MERGE_VALUE_LENGTH > MAX_BODY_LENGTH) {
    add(
      'warning',
      'body_may_be_too_long',
      path,
      `Once merge fields are filled in the ${rules.label} may exceed ${MAX_BODY_LENGTH} characters and fail to send.`,
    );
  }
  // What a contact without any field values gets: fallbacks count, empty fields do not.
  if (renderMergeFields(text, null).trim() === '' && !rules.hasMedia) {
    add(
      'warning',
      'empty_message',
      path,
      `The ${rules.label} is only merge fields: for a contact without them it would be empty, and an empty text cannot be sent.`,
    );
  }
  for (const token of tokens) {
    if (token.object !== 'Contact') {
      add(
        'warning',
        'unsupported_merge_field',
        path,
        token.fallback?.trim()
          ? `The merge field ${token.token} is not a contact field; "${token.fallback.trim()}" is shown in its place.`
          : `The merge field ${token.token} is not a contact field; it will be left empty.`,
      );
    } else if (!isKnownContactField(token.field, context.customFieldKeys)) {
      add(
        'warning',
        'merge_field_unknown',
        path,
        unknownFieldMessage(
          `The merge field ${token.token}`,
          token.field,
          (key) => `~Contact.${key}~`,
        ),
      );
    }
  }
  for (const token of malformed)
    add('warning', 'merge_field_malformed', path, malformedMessage(token));
  // A field with a fallback reads right for them: the fallback is shown.
  const emptyBeforeContact = contactTokens.filter(
    (token) => token.field !== 'Id' && !token.fallback?.trim(),
  );
  if (rules.contactUnknown && emptyBeforeContact.length > 0) {
    add(
      'warning',
      'merge_field_before_contact',
      path,
      `A contact who starts by texting the keyword is not known until the email arrives, so ${emptyBeforeContact[0]!.token} is empty in this ${rules.label} for them.`,
    );
  }
}

function malformedMessage(token: MalformedMergeToken): string {
  const why: Record<MalformedMergeToken['reason'], string> = {
    case: 'merge fields are written with exact capitals',
    spaces: 'merge fields have no spaces',
    field_name:
      'after "Contact." come only letters, digits and _, starting with a letter, or with _ then a letter for a custom field',
    no_field: 'it names no field after "Contact."',
    unclosed: 'the closing ~ is missing',
    unopened: 'the opening ~ is missing',
  };
  const fix = token.suggestion !== null ? ` Write ${token.suggestion}.` : '';
  const shown = token.fallback?.trim()
    ? `"${token.fallback.trim()}" is shown in its place`
    : 'it will be left empty';
  return `"${token.token}" is not a merge field Keap knows (${why[token.reason]}); ${shown}.${fix}`;
}

function checkMedia(step: Step, at: ProblemPath, add: Add) {
  if (step.mediaUrls.length > MAX_MEDIA) {
    add(
      'error',
      'too_many_media',
      [...at, 'mediaUrls'],
      `A text can carry at most ${MAX_MEDIA} media files; this step has ${step.mediaUrls.length}.`,
    );
  }
  step.mediaUrls.forEach((raw, m) => {
    const path = [...at, 'mediaUrls', m];
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      add(
        'error',
        'media_url_invalid',
        path,
        'Enter the full web address of the media (https://…).',
      );
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      add(
        'error',
        'media_url_invalid',
        path,
        'Media must be a web address starting with https:// or http://.',
      );
      return;
    }
    const extension = /\.([A-Za-z0-9]+)$/.exec(url.pathname)?.[1]?.toLowerCase();
    if (extension !== undefined && !RESIZED_IMAGE_EXTENSIONS.includes(extension)) {
      add(
        'warning',
        'media_may_be_too_large',
        path,
        `Only JPEG and PNG images are resized for carriers; a .${extension} file over about 500 KB may not arrive on some networks.`,
      );
    }
  });
}

function checkField(field: string, path: ProblemPath, context: ValidationContext, add: Add) {
  if (!isKnownContactField(field, context.customFieldKeys)) {
    add('warning', 'unknown_field', path, unknownFieldMessage(`"${field}"`, field));
  } else if (findStandardContactField(field)?.readOnly === true) {
    add(
      'warning',
      'unknown_field',
      path,
      `${fieldCalled(field)} is set by Keap and cannot be saved to. Choose another field.`,
    );
  }
}

function checkConditionFields(
  condition: Condition,
  at: ProblemPath,
  context: ValidationContext,
  add: Add,
) {
  if (condition.kind === 'compare' && condition.value.source === 'field') {
    checkField(condition.value.field, [...at, 'value', 'field'], context, add);
  }
  if (condition.kind === 'between') {
    for (const side of ['first', 'second'] as const) {
      const operand = condition[side].value;
      if (operand.source === 'field')
        checkField(operand.field, [...at, side, 'value', 'field'], context, add);
    }
  }
}

function unknownFieldMessage(
  shown: string,
  field: string,
  suggest: (key: string) => string = fieldCalled,
): string {
  const suggestion = suggestContactField(field);
  const hint = suggestion !== undefined ? ` Did you mean ${suggest(suggestion.key)}?` : '';
  return `${shown} does not name a contact field of this account; it will be left empty.${hint}`;
}

/** A field as the field list shows it ("Phone 1"), quoted; a custom field's key as Keap spells it. */
function fieldCalled(key: string): string {
  return `"${findStandardContactField(key)?.label ?? key}"`;
}

/** A step by its name, or as the editor numbers it when it has none (never by its internal id). */
function stepCalled(step: Step, index: number): string {
  return step.name ? `Step "${step.name}"` : `Message ${index + 1}`;
}

/**
 * The sequence as a graph: a node per step plus one "finish" node, an edge per way a reply can
 * move the conversation on. A step from which no way leads to "finish" traps the contact (until
 * expiry); a step the first step cannot reach is only sent when an HTTP Post starts there.
 *
 * Only ways a reply can really take count (see `decideReach`): a condition no reply matches (no
 * words, only STOP-like words, an impossible range, below a `*` catch-all), or the fallback below
 * a catch-all, is no way out. And a way that depends on the contact's fields (a condition compared
 * with a field) is no sure way out: a contact without a number there could never take it.
 */
interface GraphFacts {
  /** Steps a reply can reach from the first step (for some contact). */
  reachable: Set<string>;
  possible: Graph;
  /** Per step index: the index whose replies the machine handles for it (the first of its id). */
  owner: number[];
}

function checkGraph(
  tool: ToolDefinition,
  reach: readonly (DecideReach | null)[],
  add: Add,
): GraphFacts | null {
  const steps = tool.steps;
  if (steps.length === 0) return null;
  const owner = stepOwners(tool);
  const certain = buildStepGraph(tool, reach, owner, ['always']);
  const possible = buildStepGraph(tool, reach, owner, ['always', 'some_contacts']);
  const canFinish = inboundFromFinish(certain);
  const mayFinish = inboundFromFinish(possible);
  const reachable = new Set<string>();
  bfsFromNode(possible, '0', (node) => void reachable.add(node), { mode: 'outbound' });

  if (!steps.some((_step, index) => canFinish.has(String(index)))) {
    add(
      'error',
      'no_finish',
      ['steps'],
      'The sequence never finishes: at least one step must lead to "finish".',
    );
  }
  steps.forEach((step, index) => {
    // A second step with an id already used is never waited on (the first one is): reported as
    // a duplicate, not here.
    if (owner[index] !== index) return;
    const node = String(index);
    const called = step.name ? `step "${step.name}"` : `message ${index + 1}`;
    if (!canFinish.has(node)) {
      add(
        'error',
        'trap_loop',
        ['steps', index],
        mayFinish.has(node)
          ? `From ${called} the only ways to a finish are conditions compared with a contact field; a contact without a number in that field could never take them and would be stuck until the conversation expires. Add a way out that any reply can take.`
          : `From ${called} no reply can lead to a finish: every path loops (conditions that can never match do not count), so contacts would be stuck until the conversation expires.`,
      );
    }
    if (!reachable.has(node)) {
      add(
        'warning',
        'unreachable_step',
        ['steps', index],
        `No step leads to ${called}; it is only sent when a campaign's HTTP Post starts there.`,
      );
    }
  });
  return { reachable, possible, owner };
}

function inboundFromFinish(graph: Graph): Set<string> {
  const nodes = new Set<string>();
  bfsFromNode(graph, FINISH, (node) => void nodes.add(node), { mode: 'inbound' });
  return nodes;
}

/** Per step index, the index of the first step with its id: the one the machine waits on. */
function stepOwners(tool: ToolDefinition): number[] {
  const first = new Map<StepId, number>();
  return tool.steps.map((step, index) => {
    const known = first.get(step.id);
    if (known !== undefined) return known;
    first.set(step.id, index);
    return index;
  });
}

function buildStepGraph(
  tool: ToolDefinition,
  reach: readonly (DecideReach | null)[],
  owner: readonly number[],
  counted: readonly Reach[],
): Graph {
  const graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: true });
  const indexById = new Map<StepId, number>();
  tool.steps.forEach((step, index) => {
    graph.addNode(String(index));
    if (!indexById.has(step.id)) indexById.set(step.id, index);
  });
  graph.addNode(FINISH);
  // A missing step is reported on its own; the machine finishes there, and so does the graph.
  const target = (stepId: StepId | null) => {
    const index = stepId === null ? undefined : indexById.get(stepId);
    return index === undefined ? FINISH : String(index);
  };
  tool.steps.forEach((step, index) => {
    const from = String(index);
    const next = step.next;
    const targets: string[] = [];
    if (next.kind === 'finish') targets.push(FINISH);
    if (next.kind === 'next') {
      // The step below is sent; its reply is handled by the first step with its id.
      const below = index + 1 < tool.steps.length ? owner[index + 1] : undefined;
      targets.push(below === undefined ? FINISH : String(below));
    }
    const stepReach = reach[index];
    if (next.kind === 'decide' && stepReach !== null && stepReach !== undefined) {
      next.conditions.forEach((condition, c) => {
        const conditionReach = stepReach.conditions[c]?.reach ?? 'never';
        if (counted.includes(conditionReach)) targets.push(target(condition.nextStepId));
      });
      if (counted.includes(stepReach.fallback)) targets.push(target(next.fallbackStepId));
    }
    for (const to of targets) graph.mergeEdge(from, to);
  });
  return graph;
}

/**
 * The first message a contact gets should say how to opt out. A keyword start sends the first
 * step; an HTTP Post (possible in both start modes) sends the step its URL names. Which step a
 * campaign names is not part of the tool, so: the first step, and the steps no other step leads
 * to (nothing else sends them, so they exist to be started at).
 */
function checkOptOutLanguage(tool: ToolDefinition, graph: GraphFacts | null, add: Add) {
  const first = tool.steps[0];
  if (first === undefined || graph === null) return;
  if (!OPT_OUT_LANGUAGE.test(first.message)) {
    add(
      'warning',
      'opt_out_language_missing',
      ['steps', 0, 'message'],
      'The first message should tell contacts how to opt out, e.g. "Text STOP to stop."',
    );
  }
  for (const index of entrySteps(tool, graph)) {
    if (OPT_OUT_LANGUAGE.test(tool.steps[index]!.message)) continue;
    add(
      'warning',
      'opt_out_language_missing',
      ['steps', index, 'message'],
      'No step leads here, so this is the first message of a campaign HTTP Post that starts at this step: tell contacts how to opt out, e.g. "Text STOP to stop."',
    );
  }
}

/** Steps other than the first that only an HTTP start sends first: entries of unreachable parts. */
function entrySteps(tool: ToolDefinition, { reachable, possible, owner }: GraphFacts): number[] {
  const outside = tool.steps
    .map((_step, index) => index)
    .filter((index) => owner[index] === index && !reachable.has(String(index)));
  const entries = outside.filter((index) =>
    possible.inNeighbors(String(index)).every((from) => from === String(index)),
  );
  // A loop nothing leads into has no entry by that rule: its first step stands for it.
  const covered = new Set<string>();
  const cover = (index: number) =>
    bfsFromNode(possible, String(index), (node) => void covered.add(node), { mode: 'outbound' });
  entries.forEach(cover);
  for (const index of outside) {
    if (covered.has(String(index))) continue;
    entries.push(index);
    cover(index);
  }
  return entries.sort((a, b) => a - b);
}

function checkOptions(tool: ToolDefinition, context: ValidationContext, add: Add) {
  checkGoal(tool.options.optOutGoal, ['options', 'optOutGoal'], 'opt-out goal', add);
  checkGoal(
    tool.options.invalidNumberGoal,
    ['options', 'invalidNumberGoal'],
    'invalid-number goal',
    add,
  );
  tool.steps.forEach((step, index) => {
    if (step.next.kind !== 'decide') return;
    const at: ProblemPath = ['steps', index, 'next'];
    const n = index + 1;
    step.next.conditions.forEach((condition, c) =>
      checkGoal(
        condition.goal,
        [...at, 'conditions', c, 'goal'],
        `goal of condition ${c + 1} of message ${n}`,
        add,
      ),
    );
    checkGoal(
      step.next.fallbackGoal,
      [...at, 'fallbackGoal'],
      `fallback goal of message ${n}`,
      add,
    );
  });
  const { reminderMinutesBeforeExpiry, expiryMinutes, reminderMessage } = tool.options;
  if (reminderMinutesBeforeExpiry !== null && reminderMinutesBeforeExpiry >= expiryMinutes) {
    add(
      'warning',
      'reminder_after_expiry',
      ['options', 'reminderMinutesBeforeExpiry'],
      'The reminder must come before the conversation expires; it will not be sent.',
    );
  }
  // Empty: the reminder sends the step's message again, which is checked with the step.
  checkText(reminderMessage, ['options', 'reminderMessage'], context, add, {
    label: 'reminder text',
    required: false,
    hasMedia: false,
    contactUnknown: false,
  });
}

/**
 * Keap's API goal names: the spec gives only strings (its examples `my_integration`,
 * `goal_achieved`); the campaign builder takes letters, digits and underscores, so a name with
 * anything else could never match the goal there.
 */
const GOAL_NAME = /^[A-Za-z0-9_]{1,40}$/;

function checkGoal(
  goal: ApiGoal | null | undefined,
  at: ProblemPath,
  label: string,
  add: Add,
): void {
  if (!goal) return;
  const names = [
    ['integration', 'integration name'],
    ['callName', 'call name'],
  ] as const;
  for (const [key, name] of names) {
    const value = goal[key];
    if (GOAL_NAME.test(value)) continue;
    add(
      'error',
      'goal_name_invalid',
      [...at, key],
      value === ''
        ? `Enter the ${name} of the ${label}, as typed in the API goal in Keap's campaign builder.`
        : `The ${name} of the ${label} can only use letters, digits and underscores (at most 40), as in Keap's campaign builder. Change "${value}".`,
    );
  }
}

export type ParseToolResult =
  { ok: true; tool: ToolDefinition; problems: [] } | { ok: false; tool: null; problems: Problem[] };

/** Reads a tool from JSON (an import file, a request body) into the same Problem shape. */
export function parseToolDefinition(input: unknown): ParseToolResult {
  const result = toolDefinitionSchema.safeParse(input);
  if (result.success) return { ok: true, tool: result.data, problems: [] };
  return { ok: false, tool: null, problems: schemaProblems(result.error) };
}

export function schemaProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
    return {
      path,
      severity: 'error' as const,
      code: 'schema' as const,
      message: schemaIssueSentence(issue, path),
    };
  });
}
