import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest } from './api-client';
import type {
  AvailableNumbers,
  NumberSearch,
  Senders,
  TwilioConnected,
  TwilioCredentials,
  TwilioMessagingService,
  TwilioPhoneNumber,
} from './api.types';
import type { operations } from './openapi.gen';
import { sessionKey } from './use-session';

export type { NumberSearch, TwilioCredentials };

type PointHereAnswer<
  Op extends
    'TwilioConnectionController_pointNumberHere' | 'TwilioConnectionController_pointServiceHere',
> = operations[Op]['responses'][200]['content']['application/json'];
/** "Point it back"'s answer: the sender as the list shows it, and the texts fetched back. */
export type PointedSender =
  | PointHereAnswer<'TwilioConnectionController_pointNumberHere'>
  | PointHereAnswer<'TwilioConnectionController_pointServiceHere'>;

export const sendersKey = ['twilio', 'senders'] as const;

export const sendersQuery = () =>
  queryOptions({ queryKey: sendersKey, queryFn: () => apiRequest<Senders>('/api/twilio/senders') });

/**
 * `staleTime`: how long an answer is fresh for this screen. Connections asks every time (asking
 * is how it learns that Twilio refuses the credentials); the editor, whose first load prefetched
 * the list (app.tsx), takes that answer instead of asking again as it mounts.
 */
export function useSenders(enabled = true, options: { staleTime?: number } = {}) {
  return useQuery({ ...sendersQuery(), enabled, staleTime: options.staleTime ?? 0 });
}

export function useConnectTwilio() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (credentials: TwilioCredentials) =>
      apiRequest<TwilioConnected>('/api/twilio/connection', {
        method: 'PUT',
        body: credentials,
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: sessionKey });
      void client.invalidateQueries({ queryKey: sendersKey });
    },
  });
}

export function useDisconnectTwilio() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<void>('/api/twilio/connection', { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: sessionKey });
      client.removeQueries({ queryKey: sendersKey });
    },
  });
}

export function useAvailableNumbers(search: NumberSearch | null) {
  return useQuery({
    queryKey: ['twilio', 'available-numbers', search],
    queryFn: () => {
      const params = new URLSearchParams({
        country: search?.country ?? 'US',
        areaCode: search?.areaCode ?? '',
        type: search?.type ?? 'local',
      });
      return apiRequest<AvailableNumbers>(`/api/twilio/available-numbers?${params.toString()}`);
    },
    enabled: search !== null,
  });
}

export function useBuyNumber() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (phoneNumber: string) =>
      apiRequest<TwilioPhoneNumber>('/api/twilio/numbers', {
        method: 'POST',
        body: { phoneNumber },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: sendersKey }),
    // Twilio would not sell it (e.g. sold meanwhile): the list shown is stale, so ask again.
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'twilio_refused')
        void client.invalidateQueries({ queryKey: ['twilio', 'available-numbers'] });
    },
  });
}

/** The senders list with the sender Twilio answered for in place of its old row. */
function withSender(
  senders: Senders,
  pointed: TwilioPhoneNumber | TwilioMessagingService,
): Senders {
  return 'phoneNumber' in pointed
    ? {
        ...senders,
        phoneNumbers: senders.phoneNumbers.map((n) => (n.sid === pointed.sid ? pointed : n)),
      }
    : {
        ...senders,
        messagingServices: senders.messagingServices.map((s) =>
          s.sid === pointed.sid ? pointed : s,
        ),
      };
}

/**
 * "Point it back": the sender's inbound webhook at this app again, for a number (PN…) or a
 * messaging service (MG…). The list shows Twilio's answer at once, then reloads; the answer also
 * says how many texts that went elsewhere meanwhile were fetched back (or that they could not be).
 */
export function usePointSenderHere(kind: 'number' | 'service', sid: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (): Promise<PointedSender> =>
      kind === 'number'
        ? apiRequest<PointHereAnswer<'TwilioConnectionController_pointNumberHere'>>(
            `/api/twilio/numbers/${encodeURIComponent(sid)}/point-here`,
            { method: 'POST' },
          )
        : apiRequest<PointHereAnswer<'TwilioConnectionController_pointServiceHere'>>(
            `/api/twilio/messaging-services/${encodeURIComponent(sid)}/point-here`,
            { method: 'POST' },
          ),
    onSuccess: (pointed) => {
      client.setQueryData<Senders>(sendersKey, (senders) =>
        senders ? withSender(senders, pointed) : senders,
      );
      void client.invalidateQueries({ queryKey: sendersKey });
    },
  });
}
