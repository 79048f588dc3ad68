import { useQuery } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type { Analytics } from './api.types';

/** Which conversations a tool's numbers count. */
export interface AnalyticsFilter {
  /** One version; null: all of them (steps matched by id). */
  versionId: string | null;
  /** Conversations started at or after (ISO date-time); null: from the first. */
  from: string | null;
  /** Conversations started before (ISO date-time); null: up to now. */
  to: string | null;
}

export const ALL_TIME: AnalyticsFilter = { versionId: null, from: null, to: null };

/**
 * A tool's numbers: per step reached, replied, dropped off, each branch; the ways from step to
 * step (the funnel page and the map's "Show numbers" read the same answer).
 */
export function useAnalytics(
  toolId: string,
  filter: AnalyticsFilter,
  options: { enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: ['tools', toolId, 'analytics', filter.versionId, filter.from, filter.to],
    queryFn: () => {
      const params = new URLSearchParams();
      if (filter.versionId) params.set('versionId', filter.versionId);
      if (filter.from) params.set('from', filter.from);
      if (filter.to) params.set('to', filter.to);
      const query = params.toString();
      return apiRequest<Analytics>(
        `/api/tools/${encodeURIComponent(toolId)}/analytics${query ? `?${query}` : ''}`,
      );
    },
    enabled: options.enabled ?? true,
  });
}
