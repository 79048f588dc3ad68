import { createContext, useContext } from 'react';
import type { AccountField, AccountTag, NewField } from '../../api/api.types';
import type { ProblemIndex } from './problem-index';

/** What every part of the editor needs besides the form itself: the account's catalogues and problems. */
export interface EditorContextValue {
  fields: AccountField[];
  tags: AccountTag[];
  tagsLoading: boolean;
  problems: ProblemIndex;
  /** Creates a Keap tag and resolves to its id. */
  createTag: (name: string) => Promise<number>;
  /** Creates a Keap custom field and resolves to its key (`_ShoeSize`). */
  createField: (field: NewField) => Promise<string>;
  /** Appends a new, empty step and returns its id (the "+" next to a step picker). */
  addStep: (name: string) => string;
  /** Asks before deleting step `index` (naming the routes into it), then deletes it. */
  removeStep: (index: number) => void;
  /** Moves step `from` to position `to`. */
  moveStep: (from: number, to: number) => void;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error('useEditor() outside the tool editor');
  return value;
}
