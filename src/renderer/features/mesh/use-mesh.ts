/**
 * The mesh as the whole window sees it: one `mesh:status` query every view reads, kept
 * current by `mesh:health` and `mesh:connection` events (useMeshSync, mounted once), and
 * the connect / disconnect / retry calls, whose answers go straight into it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { MeshMemberShape, MeshStatusShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { mergeStatus, replacePond } from './mesh-panel';

const KEY = ['mesh:status'];

export function useMeshStatus() {
  // Health changes arrive as events; the poll only refreshes byte and connection counters.
  return useQuery({ queryKey: KEY, queryFn: () => call('mesh:status', {}), refetchInterval: 2_000 });
}

export function useMeshSync(): void {
  const queryClient = useQueryClient();
  useEvent(
    'mesh:health',
    useCallback((health: MeshMemberShape) => queryClient.setQueryData<MeshStatusShape>(KEY, (old) => mergeStatus(old, health)), [queryClient]),
  );
  useEvent(
    'mesh:connection',
    useCallback(() => void queryClient.invalidateQueries({ queryKey: KEY }), [queryClient]),
  );
}

export interface MeshAction {
  verb: 'connect' | 'disconnect' | 'retry';
  pond: string;
  member?: string;
  remotePort?: number;
}

export function useMeshAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ verb, pond, member, remotePort }: MeshAction) =>
      call(`mesh:${verb}`, { pond, ...(member !== undefined ? { member } : {}), ...(remotePort !== undefined ? { remotePort } : {}) }),
    onSuccess: (pond) => queryClient.setQueryData<MeshStatusShape>(KEY, (old) => replacePond(old, pond)),
  });
}

export function useForgetHostKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ pond, member }: { pond: string; member: string }) => call('mesh:forgetHostKey', { pond, member }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
}
