import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './api-client';
import type {
  AccountField,
  AccountTag,
  FieldList,
  KeapBudgetReport,
  NewField,
  TagList,
} from './api.types';

export const fieldsKey = ['keap', 'fields'] as const;
export const tagsKey = ['keap', 'tags'] as const;

/** The account's standard and custom contact fields (for pickers and merge fields). */
export const fieldsQuery = () =>
  queryOptions({
    queryKey: fieldsKey,
    queryFn: async () => (await apiRequest<FieldList>('/api/keap/fields')).fields,
    staleTime: 5 * 60_000,
  });

export const tagsQuery = () =>
  queryOptions({
    queryKey: tagsKey,
    queryFn: async () => (await apiRequest<TagList>('/api/keap/tags')).tags,
    staleTime: 60_000,
  });

export function useAccountFields(enabled = true) {
  return useQuery({ ...fieldsQuery(), enabled });
}

export function useTags(enabled = true) {
  return useQuery({ ...tagsQuery(), enabled });
}

export function useCreateTag() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      apiRequest<AccountTag>('/api/keap/tags', { method: 'POST', body: { name } }),
    onSuccess: (tag) => {
      client.setQueryData<AccountTag[]>(tagsKey, (tags) => [...(tags ?? []), tag]);
    },
  });
}

/** Creates a Keap custom field; the field list has it at once (no reload). */
export function useCreateField() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (field: NewField) =>
      apiRequest<AccountField>('/api/keap/fields', { method: 'POST', body: field }),
    onSuccess: (field) => {
      // Without a list (it did not load) there is nothing to add to: the next read has the field.
      if (client.getQueryData(fieldsKey))
        client.setQueryData<AccountField[]>(fieldsKey, (fields) => [...(fields ?? []), field]);
      else void client.invalidateQueries({ queryKey: fieldsKey });
    },
  });
}

/** Keap's OAuth starts with a full-page visit: the API redirects to Keap's consent page. */
export const KEAP_CONNECT_URL = '/api/keap/connect';

/** Keap calls per conversation and the Keap budget left (GET /api/keap/budget). */
export function useKeapBudget(enabled = true) {
  return useQuery({
    queryKey: ['keap', 'budget'],
    queryFn: () => apiRequest<KeapBudgetReport>('/api/keap/budget'),
    enabled,
    refetchInterval: 30_000,
  });
}
