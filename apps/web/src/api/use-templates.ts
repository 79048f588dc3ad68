import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type { ToolDetail, ToolTemplate } from './api.types';
import { toolKey, toolsKey } from './use-tools';
import { tagsKey } from './use-keap';

export function useTemplates() {
  return useQuery({
    queryKey: ['templates'],
    queryFn: async () =>
      (await apiRequest<{ templates: ToolTemplate[] }>('/api/templates')).templates,
    // The same for every account, and only a new release changes them.
    staleTime: Infinity,
  });
}

/** "Use this template": a new draft tool, whose tags may be new in Keap too. */
export function useTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (templateId: string) =>
      apiRequest<ToolDetail>(`/api/templates/${encodeURIComponent(templateId)}/use`, {
        method: 'POST',
      }),
    onSuccess: (tool) => {
      client.setQueryData(toolKey(tool.id), tool);
      void client.invalidateQueries({ queryKey: toolsKey, exact: true });
      void client.invalidateQueries({ queryKey: tagsKey });
    },
  });
}
