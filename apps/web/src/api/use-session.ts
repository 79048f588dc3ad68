import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest } from './api-client';
import type { Session } from './api.types';

export const sessionKey = ['session'] as const;

/** The signed-in account; `null` when nobody is signed in (the API answers 401). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        return await apiRequest<Session>('/api/session');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 30_000,
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<void>('/api/session/logout', { method: 'POST' }),
    onSuccess: () => client.setQueryData(sessionKey, null),
  });
}
