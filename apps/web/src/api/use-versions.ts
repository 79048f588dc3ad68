import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type { ToolDetail, ToolVersionDetail } from './api.types';
import { toolKey, toolsKey } from './use-tools';

/**
 * A tool's published versions: one opened read-only, restoring one as the draft, discarding the
 * draft. The list itself is `useToolVersions` (use-tools.ts).
 */

export const versionsKey = (toolId: string) => ['tools', toolId, 'versions'] as const;

/**
 * How many times the draft was replaced from outside the editor (a restore, a discard): the editor
 * is keyed by it, so it starts again from the new draft, its autosave from the new revision.
 */
export const draftReplacementsKey = (toolId: string) => ['draft-replacements', toolId] as const;

export function useDraftReplacements(toolId: string): number {
  const client = useQueryClient();
  const key = draftReplacementsKey(toolId);
  const { data } = useQuery({
    queryKey: key,
    // Only counted here: a refetch (any invalidation) keeps the count.
    queryFn: () => client.getQueryData<number>(key) ?? 0,
    initialData: 0,
    staleTime: Infinity,
  });
  return data;
}

const replacedNoteKey = (toolId: string) => ['draft-replaced-note', toolId] as const;

interface ReplacedNote {
  text: string;
  /** Said while the tool is as the restore or discard left it (no save, no publish since). */
  draftRevision: number;
  liveVersionId: string | null;
}

/** What the last restore or discard did, said in the editor it started again; null when none. */
export function useDraftReplacedNote(tool: ToolDetail): [string | null, () => void] {
  const client = useQueryClient();
  const key = replacedNoteKey(tool.id);
  const { data } = useQuery({
    queryKey: key,
    queryFn: () => client.getQueryData<ReplacedNote | null>(key) ?? null,
    initialData: null,
    staleTime: Infinity,
  });
  const current =
    data &&
    data.draftRevision === tool.draftRevision &&
    data.liveVersionId === (tool.publishedVersion?.id ?? null)
      ? data.text
      : null;
  return [current, () => client.setQueryData(key, null)];
}

export function useToolVersion(toolId: string, versionId: string | null) {
  return useQuery({
    enabled: versionId !== null,
    queryKey: [...versionsKey(toolId), versionId],
    queryFn: () =>
      apiRequest<ToolVersionDetail>(
        `/api/tools/${encodeURIComponent(toolId)}/versions/${encodeURIComponent(versionId ?? '')}`,
      ),
    // Versions never change once published.
    staleTime: Infinity,
  });
}

/**
 * The answer of a restore or a discard is the new draft: cached, and the editor started again,
 * saying what happened (`note`).
 */
function useReplaceDraft<Input>(
  toolId: string,
  request: (input: Input) => Promise<ToolDetail>,
  note: (tool: ToolDetail, input: Input) => string,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (tool, input) => {
      client.setQueryData(toolKey(tool.id), tool);
      client.setQueryData<ReplacedNote>(replacedNoteKey(toolId), {
        text: note(tool, input),
        draftRevision: tool.draftRevision,
        liveVersionId: tool.publishedVersion?.id ?? null,
      });
      client.setQueryData<number>(draftReplacementsKey(toolId), (n) => (n ?? 0) + 1);
      void client.invalidateQueries({ queryKey: toolsKey, exact: true });
    },
  });
}

export function useRestoreVersion(toolId: string) {
  return useReplaceDraft(
    toolId,
    (input: { versionId: string; version: number; draftRevision: number }) =>
      apiRequest<ToolDetail>(
        `/api/tools/${encodeURIComponent(toolId)}/versions/${encodeURIComponent(input.versionId)}/restore`,
        { method: 'POST', body: { draftRevision: input.draftRevision } },
      ),
    (tool, input) =>
      tool.publishedVersion && tool.publishedVersion.version !== input.version
        ? `Version ${input.version} is now the draft. Version ${tool.publishedVersion.version} stays live until you publish.`
        : `Version ${input.version} is now the draft.`,
  );
}

export function useDiscardDraft(toolId: string) {
  return useReplaceDraft(
    toolId,
    (input: { draftRevision: number }) =>
      apiRequest<ToolDetail>(`/api/tools/${encodeURIComponent(toolId)}/draft/discard`, {
        method: 'POST',
        body: input,
      }),
    (tool) =>
      `Your changes were discarded: the draft is version ${tool.publishedVersion?.version ?? ''} again, as it is live.`,
  );
}

/** The draft revision the server has now (the last load or autosave answered it). */
export function useCurrentDraftRevision(toolId: string): () => number | undefined {
  const client = useQueryClient();
  return () => client.getQueryData<ToolDetail>(toolKey(toolId))?.draftRevision;
}
