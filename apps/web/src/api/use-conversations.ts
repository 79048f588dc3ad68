import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type {
  ConversationDetail,
  ConversationFilter,
  ConversationPage,
  ConversationRecord,
  RefusedStarts,
} from './api.types';

export function useConversations(filter: ConversationFilter) {
  return useInfiniteQuery({
    queryKey: ['conversations', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
      if (pageParam) params.set('cursor', pageParam);
      params.set('limit', '25');
      return apiRequest<ConversationPage>(`/api/conversations?${params.toString()}`);
    },
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useConversation(id: string | null) {
  return useQuery({
    queryKey: ['conversations', 'detail', id],
    queryFn: () =>
      apiRequest<ConversationDetail>(`/api/conversations/${encodeURIComponent(id ?? '')}`),
    enabled: id !== null,
    // A live conversation changes while the marketer watches it.
    refetchInterval: 5_000,
  });
}

export function useEndConversation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest<ConversationRecord>(`/api/conversations/${encodeURIComponent(id)}/end`, {
        method: 'POST',
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['conversations'] }),
  });
}

/**
 * Starts that were refused, newest first, both kinds in one list: keyword texts that started
 * nothing because Keap was disconnected (kind 'text'), and a Keap campaign's "Send HTTP Post" to
 * a tool URL that could not start (kind 'http_post': Keap disconnected, the tool not published or
 * switched off, or a step the tool does not have). Each is kept with its reason, so the marketer
 * can see who tried, fix the cause and start them again.
 */
export function useRefusedStarts() {
  return useQuery({
    queryKey: ['conversations', 'refused-starts'],
    queryFn: async () =>
      (await apiRequest<RefusedStarts>('/api/conversations/refused-starts?limit=50')).items,
    refetchInterval: 30_000,
  });
}
