/**
 * Local ports as the window sees them: each pond's `ports:list`, kept current by
 * `ports:changed` (a choice made anywhere, the CLI included) and by connection changes,
 * plus choosing and resetting. A connected forward's new port arrives as `mesh:health`.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { call, useEvent } from '../../api/client';

const key = (pond: string) => ['ports:list', pond];

export function usePortChoices(pond: string) {
  const queryClient = useQueryClient();
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: key(pond) }), [queryClient, pond]);
  useEvent('ports:changed', refresh);
  useEvent('mesh:connection', refresh);
  return useQuery({ queryKey: key(pond), queryFn: async () => (await call('ports:list', { pond })).forwards });
}

export interface ForwardRef {
  pond: string;
  member: string;
  remotePort: number;
}

export function useChoosePort() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ localPort, ...forward }: ForwardRef & { localPort: number }) => call('ports:set', { ...forward, localPort }),
    onSettled: (_result, _error, { pond }) => void queryClient.invalidateQueries({ queryKey: key(pond) }),
  });
}

export function useResetPort() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (forward: ForwardRef) => call('ports:reset', forward),
    onSettled: (_result, _error, { pond }) => void queryClient.invalidateQueries({ queryKey: key(pond) }),
  });
}

const RESTORE = ['ponds:restoreList'];

/** Whether the pond is reconnected when Pond Desktop starts, and switching it. */
export function useRestore(pond: string) {
  const queryClient = useQueryClient();
  useEvent(
    'ponds:restoreChanged',
    useCallback((list: { ponds: string[] }) => queryClient.setQueryData(RESTORE, list), [queryClient]),
  );
  const list = useQuery({ queryKey: RESTORE, queryFn: () => call('ponds:restoreList') });
  const set = useMutation({
    mutationFn: (restore: boolean) => call('ponds:setRestore', { pond, restore }),
    // The switch moves when clicked, and back if the change could not be saved.
    onMutate: async (restore) => {
      // A list still on its way must not land over the new value.
      await queryClient.cancelQueries({ queryKey: RESTORE });
      const before = queryClient.getQueryData<{ ponds: string[] }>(RESTORE);
      const others = (before?.ponds ?? []).filter((p) => p !== pond);
      queryClient.setQueryData(RESTORE, { ponds: restore ? [...others, pond] : others });
      return { before };
    },
    onError: (_error, _restore, context) => queryClient.setQueryData(RESTORE, context?.before),
    onSuccess: (next) => queryClient.setQueryData(RESTORE, next),
  });
  return { on: list.data?.ponds.includes(pond) ?? false, loaded: list.data !== undefined, set };
}
