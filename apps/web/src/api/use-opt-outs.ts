import { useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type { OptOutPage } from './api.types';

/** The account's opted-out numbers, newest first, searched by `q` (a phone in any form, a word). */
export function useOptOuts(q: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['opt-outs', q ?? ''],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '50' });
      if (q) params.set('q', q);
      if (pageParam) params.set('cursor', pageParam);
      return apiRequest<OptOutPage>(`/api/opt-outs?${params.toString()}`);
    },
    getNextPageParam: (page) => page.nextCursor,
  });
}
