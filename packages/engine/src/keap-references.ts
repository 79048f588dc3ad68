import { isCustomFieldKey } from './contact-fields';
import { scanMergeTokens } from './merge-fields';
import type { Operand, Step, TagId, ToolDefinition } from './tool.schema';

/**
 * What a tool names in its Keap app: tag ids and custom field keys. Both are the app's own (tag 12
 * in one app is another tag, or none, in the next), so a tool moved between apps needs them
 * named (export) and mapped to the new app's own (import). Standard fields are the same in every
 * app and are not listed.
 */
export interface KeapReferences {
  /** In order of first use. */
  tagIds: TagId[];
  /** In order of first use: the phone field, "save the response to", conditions, merge fields. */
  customFieldKeys: string[];
}

/** The new app's tag for each old id (null: leave it out) and field key for each old key. */
export interface KeapReferenceMap {
  tags?: ReadonlyMap<TagId, TagId | null>;
  fields?: ReadonlyMap<string, string>;
}

export function keapReferencesOf(tool: ToolDefinition): KeapReferences {
  const tagIds = new Set<TagId>();
  const fields = new Set<string>();
  walk(tool, {
    tag: (id) => {
      if (id !== null) tagIds.add(id);
      return id;
    },
    field: (key) => {
      if (isCustomFieldKey(key)) fields.add(key);
      return key;
    },
  });
  return { tagIds: [...tagIds], customFieldKeys: [...fields] };
}

/**
 * A copy of the tool with its tags and fields replaced as the map says (merge fields keep their
 * fallbacks); anything the map does not name is kept. The tool given is not changed.
 */
export function withKeapReferences(tool: ToolDefinition, map: KeapReferenceMap): ToolDefinition {
  const copy = JSON.parse(JSON.stringify(tool)) as ToolDefinition;
  walk(copy, {
    tag: (id) => (id !== null && map.tags?.has(id) ? (map.tags.get(id) ?? null) : id),
    field: (key) => map.fields?.get(key) ?? key,
  });
  return copy;
}

interface Visitor {
  tag(id: TagId | null): TagId | null;
  field(key: string): string;
}

/** Visits every tag and field of the tool in place, storing what the visitor returns. */
function walk(tool: ToolDefinition, visit: Visitor): void {
  tool.phoneField = visit.field(tool.phoneField);
  for (const step of tool.steps) walkStep(step, visit);
  const options = tool.options;
  options.optOutTagId = visit.tag(options.optOutTagId);
  options.invalidNumberTagId = visit.tag(options.invalidNumberTagId);
  options.reminderMessage = walkText(options.reminderMessage, visit);
}

function walkStep(step: Step, visit: Visitor): void {
  step.message = walkText(step.message, visit);
  step.reaskMessage = walkText(step.reaskMessage, visit);
  if (step.saveTo !== null) step.saveTo = visit.field(step.saveTo);
  if (step.next.kind !== 'decide') return;
  for (const condition of step.next.conditions) {
    condition.tagId = visit.tag(condition.tagId);
    if (condition.kind === 'compare') walkOperand(condition.value, visit);
    if (condition.kind === 'between') {
      walkOperand(condition.first.value, visit);
      walkOperand(condition.second.value, visit);
    }
  }
  step.next.fallbackTagId = visit.tag(step.next.fallbackTagId);
}

function walkOperand(operand: Operand, visit: Visitor): void {
  if (operand.source === 'field') operand.field = visit.field(operand.field);
}

/** The text with each `~Contact.Field~` token's field visited; the rest of the text untouched. */
function walkText(text: string, visit: Visitor): string {
  let out = '';
  let from = 0;
  for (const token of scanMergeTokens(text).tokens) {
    if (token.object !== 'Contact') continue;
    const field = visit.field(token.field);
    const head = `~Contact.${token.field}`;
    out += text.slice(from, token.index) + `~Contact.${field}` + token.token.slice(head.length);
    from = token.index + token.token.length;
  }
  return out + text.slice(from);
}
