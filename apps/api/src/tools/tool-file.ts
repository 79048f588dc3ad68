import { keapReferencesOf, type TagId, type ToolDefinition } from '@sms-seq/engine';
import type { FieldOption, TagOption } from '../keap/pickers/keap-pickers.service';
import type { ImportMapping, ImportQuestions, ToolFileKeap, UnmappedField } from './tool-file.dto';

/**
 * Moving a tool between Keap apps, decided without I/O: the names an export writes beside the
 * definition, and how an import matches them to the importing app's tags (by name) and custom
 * fields (by label).
 */

/** The names of the tags and custom fields the tool uses; those the lists do not know are left out. */
export function keapNamesOf(
  tool: ToolDefinition,
  app: string,
  tags: readonly TagOption[] | null,
  fields: readonly FieldOption[] | null,
): ToolFileKeap {
  const refs = keapReferencesOf(tool);
  const names: ToolFileKeap = { app, tags: {}, fields: {} };
  for (const id of refs.tagIds) {
    const tag = tags?.find((t) => t.id === id);
    if (tag) names.tags[String(id)] = tag.name;
  }
  for (const key of refs.customFieldKeys) {
    const field = fields?.find((f) => f.key === key);
    if (field) names.fields[key] = field.label;
  }
  return names;
}

/** What the person answered: create the missing tags or not, and a field for each one asked about. */
export interface ImportChoices {
  createMissingTags?: boolean | undefined;
  fieldMap?: Readonly<Record<string, string>> | undefined;
}

/** The importing app's tags and contact fields (standard and custom). */
export interface AccountKeap {
  tags: readonly TagOption[];
  fields: readonly FieldOption[];
}

/** Which lists had no match for some name or label: worth reading from Keap again. */
export interface ImportMisses {
  tags: boolean;
  fields: boolean;
}

export type ImportPlan =
  | { kind: 'ask'; questions: ImportQuestions; misses: ImportMisses }
  | {
      kind: 'ready';
      misses: ImportMisses;
      /** Each tag id of the file: this app's tag, a name to create, or null (left out). */
      tags: Map<TagId, TagId | { create: string } | null>;
      fields: Map<string, string>;
      /** The mapping in words, the tags to create said created. */
      mapped: ImportMapping[];
    };

/**
 * How the file's tags and fields map to this app's: each tag by name (any case), each custom
 * field by label (any case) when exactly one matches, else by the person's choice. Missing tags
 * are created or left out as the request says; unsaid, or a field unanswered, the plan asks.
 */
export function planImport(
  tool: ToolDefinition,
  names: ToolFileKeap,
  account: AccountKeap,
  choices: ImportChoices,
): ImportPlan {
  const refs = keapReferencesOf(tool);
  const mapped: ImportMapping[] = [];
  const tags = new Map<TagId, TagId | { create: string } | null>();
  const missingTags: string[] = [];
  for (const id of refs.tagIds) {
    const name = names.tags[String(id)];
    if (name === undefined) {
      tags.set(id, null);
      mapped.push(tagUnnamed(id));
      continue;
    }
    const tag = tagNamed(account.tags, name);
    if (tag) {
      tags.set(id, tag.id);
      mapped.push(tagMapped(name, tag.name));
    } else {
      tags.set(id, choices.createMissingTags ? { create: name.trim() } : null);
      if (!missingTags.some((m) => sameName(m, name))) missingTags.push(name);
      if (choices.createMissingTags === true) mapped.push(tagCreated(name.trim()));
      if (choices.createMissingTags === false) mapped.push(tagLeftOut(name));
    }
  }

  const fields = new Map<string, string>();
  const unmapped: UnmappedField[] = [];
  const custom = account.fields.filter((f) => f.custom);
  for (const key of refs.customFieldKeys) {
    const label = names.fields[key];
    const chosen = choices.fieldMap?.[key];
    const own = (k: string) => account.fields.find((f) => f.key === k);
    if (chosen !== undefined) {
      fields.set(key, chosen);
      mapped.push(fieldMapped(label ?? key, own(chosen)?.label ?? null));
      continue;
    }
    // No label to match by: the key is kept, and validation says if this app lacks it.
    if (label === undefined) {
      fields.set(key, key);
      mapped.push(fieldMapped(key, own(key)?.label ?? null));
      continue;
    }
    const matches = custom.filter((f) => sameName(f.label, label));
    if (matches.length === 1 && matches[0]) {
      fields.set(key, matches[0].key);
      mapped.push(fieldMapped(label, matches[0].label));
    } else {
      const candidates = (matches.length ? matches : custom).map((f) => ({
        key: f.key,
        label: f.label,
      }));
      unmapped.push({ field: key, label, candidates });
    }
  }

  const misses = { tags: missingTags.length > 0, fields: unmapped.length > 0 };
  const askTags = missingTags.length > 0 && choices.createMissingTags === undefined;
  if (askTags || unmapped.length) {
    // Nothing is created before every choice is made: say what will be.
    const settled = mapped.map((m) => (m.created ? tagToCreate(m.from) : m));
    return {
      kind: 'ask',
      questions: { mapped: settled, missingTags: askTags ? missingTags : [], unmapped },
      misses,
    };
  }
  return { kind: 'ready', tags, fields, mapped, misses };
}

/** The tag of that name, any case and spacing; an exact match first when Keap has both. */
function tagNamed(tags: readonly TagOption[], name: string): TagOption | undefined {
  return tags.find((t) => t.name === name) ?? tags.find((t) => sameName(t.name, name));
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function tagMapped(from: string, to: string): ImportMapping {
  return { kind: 'tag', from, to, created: false, message: `Tag "${from}" → your tag "${to}".` };
}

function tagCreated(name: string): ImportMapping {
  return {
    kind: 'tag',
    from: name,
    to: name,
    created: true,
    message: `Tag "${name}" → your tag "${name}" (created).`,
  };
}

function tagToCreate(name: string): ImportMapping {
  return {
    kind: 'tag',
    from: name,
    to: null,
    created: false,
    message: `Tag "${name}" will be created in this Keap app.`,
  };
}

function tagLeftOut(name: string): ImportMapping {
  return {
    kind: 'tag',
    from: name,
    to: null,
    created: false,
    message: `Tag "${name}" is left out: this Keap app has no tag of that name. Choose a tag in the editor.`,
  };
}

function tagUnnamed(id: TagId): ImportMapping {
  return {
    kind: 'tag',
    from: `#${id}`,
    to: null,
    created: false,
    message: `A tag the file does not name (number ${id} in the other Keap app) is left out. Choose a tag in the editor.`,
  };
}

function fieldMapped(from: string, to: string | null): ImportMapping {
  return {
    kind: 'field',
    from,
    to,
    created: false,
    message:
      to === null
        ? `Field "${from}" is not in this Keap app yet: create it in Keap, or choose another field in the editor.`
        : `Field "${from}" → your field "${to}".`,
  };
}
