/**
 * Staff members and clients change rarely and are needed on most pages (filters,
 * pickers), so they are loaded once per session and shared.
 */
import { useEffect, useState } from 'react';
import type { ClientSummary, StaffMember } from '../../contracts/directory.ts';
import { staffApi } from './http.ts';

const cache = new Map<string, Promise<unknown>>();

export function clearDirectoryCache() {
  cache.clear();
}

export function invalidateClients() {
  cache.delete('/clients');
}

function load<T>(path: string): Promise<T> {
  let hit = cache.get(path) as Promise<T> | undefined;
  if (!hit) {
    hit = staffApi<{ items: T }>(path).then((r) => r.items);
    hit.catch(() => cache.delete(path));
    cache.set(path, hit);
  }
  return hit;
}

function useShared<T>(path: string): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    load<T>(path).then(
      (v) => live && setValue(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [path]);
  return value;
}

export const useStaffMembers = () => useShared<StaffMember[]>('/staff-members');
export const useClients = () => useShared<ClientSummary[]>('/clients');
