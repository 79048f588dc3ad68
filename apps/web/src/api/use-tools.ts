import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ToolDefinition } from '@sms-seq/engine';
import { apiRequest } from './api-client';
import type {
  ImportChoices,
  PublishResult,
  ToolDetail,
  ToolImportResult,
  ToolList,
  ToolSummary,
  VersionList,
} from './api.types';

export const toolsKey = ['tools'] as const;
export const toolKey = (id: string) => ['tools', id] as const;

/** The browser's IANA zone (e.g. America/Chicago); UTC where the browser does not say. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export const toolsQuery = () =>
  queryOptions({
    queryKey: toolsKey,
    // "Conversations today" counts from midnight where the marketer is.
    queryFn: async () =>
      (await apiRequest<ToolList>(`/api/tools?tz=${encodeURIComponent(browserTimeZone())}`)).tools,
  });

export const toolQuery = (id: string) =>
  queryOptions({
    queryKey: toolKey(id),
    queryFn: () => apiRequest<ToolDetail>(`/api/tools/${encodeURIComponent(id)}`),
    // The editor's first load prefetches it (app.tsx) and must not ask again as it mounts; a tool
    // changed elsewhere meanwhile is caught by the draft revision on the next save (conflict).
    staleTime: 10_000,
  });

export function useTools() {
  return useQuery(toolsQuery());
}

export function useTool(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...toolQuery(id), enabled: options.enabled ?? true });
}

export function useToolVersions(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    enabled: options.enabled ?? true,
    queryKey: ['tools', id, 'versions'],
    queryFn: async () =>
      (await apiRequest<VersionList>(`/api/tools/${encodeURIComponent(id)}/versions`)).versions,
  });
}

/** Stores a tool detail answer in the cache and marks the list stale. */
function useRememberTool() {
  const client = useQueryClient();
  return (tool: ToolDetail) => {
    client.setQueryData(toolKey(tool.id), tool);
    void client.invalidateQueries({ queryKey: toolsKey, exact: true });
  };
}

export function useCreateTool() {
  const remember = useRememberTool();
  return useMutation({
    mutationFn: (name: string) =>
      apiRequest<ToolDetail>('/api/tools', { method: 'POST', body: { name } }),
    onSuccess: remember,
  });
}

/** A tool file (as read from disk) and, for one from another Keap app, the choices made. */
export function useImportTool() {
  const remember = useRememberTool();
  return useMutation({
    mutationFn: ({ file, choices = {} }: { file: unknown; choices?: ImportChoices }) =>
      apiRequest<ToolImportResult>('/api/tools/import', {
        method: 'POST',
        body: { definition: file, ...choices },
      }),
    onSuccess: ({ mapped: _mapped, ...tool }) => remember(tool),
  });
}

export function useSaveDraft(id: string) {
  const remember = useRememberTool();
  return useMutation({
    mutationFn: (input: { draft: ToolDefinition; draftRevision: number }) =>
      apiRequest<ToolDetail>(`/api/tools/${encodeURIComponent(id)}`, {
        method: 'PUT',
        body: input,
        // A save started as the tab closes must still arrive.
        keepalive: true,
      }),
    onSuccess: remember,
  });
}

export function useDeleteTool() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest<void>(`/api/tools/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_result, id) => {
      client.removeQueries({ queryKey: toolKey(id) });
      // Gone from the list at once, not when the list comes back.
      client.setQueryData<ToolSummary[]>(toolsKey, (list) =>
        list?.filter((tool) => tool.id !== id),
      );
      void client.invalidateQueries({ queryKey: toolsKey, exact: true });
    },
  });
}

export function usePublishTool(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiRequest<PublishResult>(`/api/tools/${encodeURIComponent(id)}/publish`, {
        method: 'POST',
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['tools'] });
    },
  });
}

export function useSetToolEnabled(id: string) {
  const remember = useRememberTool();
  return useMutation({
    mutationFn: (enabled: boolean) =>
      apiRequest<ToolDetail>(`/api/tools/${encodeURIComponent(id)}/enabled`, {
        method: 'POST',
        body: { enabled },
      }),
    onSuccess: remember,
  });
}

export function useRotateSecret(id: string) {
  const remember = useRememberTool();
  return useMutation({
    mutationFn: () =>
      apiRequest<ToolDetail>(`/api/tools/${encodeURIComponent(id)}/url-secret/rotate`, {
        method: 'POST',
      }),
    onSuccess: remember,
  });
}

/** Where the browser downloads the tool's JSON (the API sends it as an attachment). */
export const toolExportUrl = (id: string) => `/api/tools/${encodeURIComponent(id)}/export`;
