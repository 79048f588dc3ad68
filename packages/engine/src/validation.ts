import Graph from 'graphology';
import { bfsFromNode } from 'graphology-traversal';
import type { z } from 'zod';
import { betweenNeverMatches } from './conditions';
import {
  EMAIL_FIELD_KEYS,
  findStandardContactField,
  isKnownContactField,
  suggestContactField,
} from './contact-fields';
import { listMergeTokens } from './merge-fields';
import { classifyKeyword, normaliseKeyword } from './reply';
import {
  toolDefinitionSchema,
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

export type ProblemCode =
  | 'schema'
  | 'no_steps'
  | 'duplicate_step_id'
  | 'missing_step'
  | 'no_finish'
  | 'trap_loop'
  | 'unreachable_step'
  | 'empty_message'
  | 'too_many_media'
  | 'media_url_invalid'
  | 'media_may_be_too_large'
  | 'body_too_long'
  | 'body_may_be_too_long'
  | 'keyword_missing'
  | 'keyword_reserved'
  | 'keyword_taken'
  | 'sender_missing'
  | 'email_first_step'
  | 'opt_out_language_missing'
  | 'unknown_field'
  | 'unsupported_merge_field'
  | 'between_never_matches'
  | 'condition_empty'
  | 'condition_shadowed'
  | 'phone_field_not_phone'
  | 'reminder_after_expiry';

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

  checkStart(tool, context, publishing, add);
  checkSteps(tool, context, add);
  checkGraph(tool, add);
  checkOptions(tool, add);
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
      `"${tool.phoneField}" is not a phone field; texts go to the number stored in it.`,
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
  if (first !== undefined && !OPT_OUT_LANGUAGE.test(first.message)) {
    add(
      'warning',
      'opt_out_language_missing',
      ['steps', 0, 'message'],
      'The first message should tell contacts how to opt out, e.g. "Text STOP to stop."',
    );
  }
}

function checkSteps(tool: ToolDefinition, context: ValidationContext, add: Add) {
  if (tool.steps.length === 0) {
    add('error', 'no_steps', ['steps'], 'Add at least one step: the message the sequence sends.');
    return;
  }
  const seen = new Set<StepId>();
  const ids = new Set(tool.steps.map((step) => step.id));
  tool.steps.forEach((step, index) => {
    const at: ProblemPath = ['steps', index];
    if (seen.has(step.id)) {
      add(
        'error',
        'duplicate_step_id',
        [...at, 'id'],
        `Another step already uses the id "${step.id}".`,
      );
    }
    seen.add(step.id);
    checkMessage(step, at, context, add);
    checkMedia(step, at, add);
    if (step.saveTo !== null) checkField(step.saveTo, [...at, 'saveTo'], context, add);
    if (step.next.kind === 'decide') {
      const next = step.next;
      let catchAll: number | null = null;
      next.conditions.forEach((condition, c) => {
        const conditionAt: ProblemPath = [...at, 'next', 'conditions', c];
        if (condition.nextStepId !== null && !ids.has(condition.nextStepId)) {
          add(
            'error',
            'missing_step',
            [...conditionAt, 'nextStepId'],
            `This condition sends step "${condition.nextStepId}", which does not exist.`,
          );
        }
        checkConditionFields(condition, conditionAt, context, add);
        if (
          condition.kind === 'equals_any' &&
          !condition.values.some((value) => value.trim() !== '')
        ) {
          add(
            'warning',
            'condition_empty',
            [...conditionAt, 'values'],
            'Add the words or phrases this condition looks for; as it is, it never matches.',
          );
        }
        if (catchAll !== null) {
          add(
            'warning',
            'condition_shadowed',
            conditionAt,
            `Condition ${catchAll + 1} above matches every reply ("*"), so this one is never reached.`,
          );
        } else if (condition.kind === 'equals_any' && condition.values.some(isCatchAll)) {
          catchAll = c;
        }
        if (
          condition.kind === 'between' &&
          betweenNeverMatches(condition.first, condition.second)
        ) {
          add(
            'warning',
            'between_never_matches',
            conditionAt,
            'No number can satisfy both limits of this "between" condition, so it never matches.',
          );
        }
      });
      if (next.fallbackStepId !== null && !ids.has(next.fallbackStepId)) {
        add(
          'error',
          'missing_step',
          [...at, 'next', 'fallbackStepId'],
          `The fallback sends step "${next.fallbackStepId}", which does not exist.`,
        );
      }
    }
  });
}

/** A pattern of only stars matches any reply at all. */
function isCatchAll(pattern: string): boolean {
  return /^\*+$/.test(pattern.trim());
}

function checkMessage(step: Step, at: ProblemPath, context: ValidationContext, add: Add) {
  const path = [...at, 'message'];
  if (step.message.trim() === '' && step.mediaUrls.length === 0) {
    add('error', 'empty_message', path, 'Write the message this step sends.');
    return;
  }
  const tokens = listMergeTokens(step.message);
  const fixedLength = tokens.reduce(
    (length, token) => length - token.token.length,
    step.message.length,
  );
  if (fixedLength > MAX_BODY_LENGTH) {
    add(
      'error',
      'body_too_long',
      path,
      `The message is ${fixedLength} characters long; texts can hold at most ${MAX_BODY_LENGTH}.`,
    );
  } else if (fixedLength + tokens.length * ASSUMED_MERGE_VALUE_LENGTH > MAX_BODY_LENGTH) {
    add(
      'warning',
      'body_may_be_too_long',
      path,
      `Once merge fields are filled in the message may exceed ${MAX_BODY_LENGTH} characters and fail to send.`,
    );
  }
  for (const token of tokens) {
    if (token.object !== 'Contact') {
      add(
        'warning',
        'unsupported_merge_field',
        path,
        `${token.token} is not a contact field; it will be left empty.`,
      );
    } else if (!isKnownContactField(token.field, context.customFieldKeys)) {
      add('warning', 'unknown_field', path, unknownFieldMessage(token.token, token.field));
    }
  }
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
    add('warning', 'unknown_field', path, unknownFieldMessage(field, field));
  } else if (findStandardContactField(field)?.readOnly === true) {
    add('warning', 'unknown_field', path, `"${field}" is set by Keap and cannot be saved to.`);
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

function unknownFieldMessage(shown: string, field: string): string {
  const suggestion = suggestContactField(field);
  const hint = suggestion !== undefined ? ` Did you mean ${suggestion.key}?` : '';
  return `${shown} does not name a contact field of this account; it will be left empty.${hint}`;
}

/**
 * The sequence as a graph: a node per step plus one "finish" node. A step that cannot reach
 * "finish" traps the contact (until expiry); a step that the first step cannot reach is only sent
 * when an HTTP Post starts there.
 */
function checkGraph(tool: ToolDefinition, add: Add) {
  const steps = tool.steps;
  if (steps.length === 0) return;
  const graph = stepGraph(tool);
  const canFinish = new Set<string>();
  bfsFromNode(graph, FINISH, (node) => void canFinish.add(node), { mode: 'inbound' });
  const reachable = new Set<string>();
  bfsFromNode(graph, '0', (node) => void reachable.add(node), { mode: 'outbound' });

  if (!steps.some((_step, index) => canFinish.has(String(index)))) {
    add(
      'error',
      'no_finish',
      ['steps'],
      'The sequence never finishes: at least one step must lead to "finish".',
    );
  }
  steps.forEach((step, index) => {
    const node = String(index);
    if (!canFinish.has(node)) {
      add(
        'error',
        'trap_loop',
        ['steps', index],
        `From step "${step.name || step.id}" every path loops without reaching a finish, so contacts would be stuck until the conversation expires.`,
      );
    }
    if (!reachable.has(node)) {
      add(
        'warning',
        'unreachable_step',
        ['steps', index],
        `No step leads to "${step.name || step.id}"; it is only sent when a campaign's HTTP Post starts there.`,
      );
    }
  });
}

/** Nodes are step positions ("0", "1", …) so duplicate ids cannot merge two steps. */
export function stepGraph(tool: ToolDefinition): Graph {
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
    if (next.kind === 'next')
      targets.push(index + 1 < tool.steps.length ? String(index + 1) : FINISH);
    if (next.kind === 'decide') {
      for (const condition of next.conditions) targets.push(target(condition.nextStepId));
      targets.push(target(next.fallbackStepId));
    }
    for (const to of targets) graph.mergeEdge(from, to);
  });
  return graph;
}

function checkOptions(tool: ToolDefinition, add: Add) {
  const { reminderMinutesBeforeExpiry, expiryMinutes } = tool.options;
  if (reminderMinutesBeforeExpiry !== null && reminderMinutesBeforeExpiry >= expiryMinutes) {
    add(
      'warning',
      'reminder_after_expiry',
      ['options', 'reminderMinutesBeforeExpiry'],
      'The reminder must come before the conversation expires; it will not be sent.',
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
  return error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    severity: 'error' as const,
    code: 'schema' as const,
    message: issue.message,
  }));
}
