import {
  schemaProblems,
  toolDefinitionSchema,
  type Problem,
  type ToolDefinition,
} from '@sms-seq/engine';

export interface SavableDraft {
  /** What the draft PUT takes: the form's values, with the fields the schema refuses as last saved. */
  draft: ToolDefinition;
  /** The edits held back (a field the schema refuses, e.g. an empty tool name): not in `draft`. */
  held: Problem[];
}

type Path = (string | number)[];

const MAX_ROUNDS = 8;

/**
 * The draft PUT saves any draft the engine's schema reads, problems and all (an empty message, a
 * missing sender), but refuses one the schema cannot read (an empty tool name, an expiry of no
 * hours). So that one such field never holds back every other edit, each field the schema refuses
 * takes its last saved value (or its default, for a field that was never saved) and the rest is
 * saved; the refused fields are returned as `held`, for the editor to say what was not saved.
 * Null when nothing savable is left (should not happen with a saved draft to fall back on).
 */
export function savableDraft(values: unknown, lastSaved: ToolDefinition): SavableDraft | null {
  const first = toolDefinitionSchema.safeParse(values);
  if (first.success) return { draft: first.data, held: [] };
  const held = schemaProblems(first.error);
  let candidate: unknown = structuredClone(values);
  let error = first.error;
  // A refused field whose own fallback does not fit either (a new step's id) falls back as a whole
  // (the step), one level up per round.
  const depth = new Map<string, number>();
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // Last first: removing a new step must not shift the index of a refused field before it.
    for (const issue of [...error.issues].reverse()) {
      const full = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
      const key = full.join('.');
      const up = depth.get(key) ?? 0;
      depth.set(key, up + 1);
      const path = full.slice(0, Math.max(0, full.length - up));
      if (path.length === 0) return null;
      candidate = fallBack(candidate, path, lastSaved);
    }
    const next = toolDefinitionSchema.safeParse(candidate);
    if (next.success) return { draft: next.data, held };
    error = next.error;
  }
  return null;
}

/** `target` with the value at `path` replaced by the saved draft's, or removed where it has none. */
function fallBack(target: unknown, path: Path, saved: unknown): unknown {
  const savedValue = valueAt(saved, path);
  const parentPath = path.slice(0, -1);
  const parent = valueAt(target, parentPath);
  const last = path[path.length - 1]!;
  if (typeof parent !== 'object' || parent === null) return target;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (savedValue === undefined) parent.splice(last, 1);
    else parent[last] = structuredClone(savedValue);
  } else {
    const record = parent as Record<string, unknown>;
    if (savedValue === undefined) delete record[String(last)];
    else record[String(last)] = structuredClone(savedValue);
  }
  return target;
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
