import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Role = 'admin' | 'viewer';

export const RoleContext = createContext<Role>('viewer');

/** True when the token may write: a viewer sees no write controls. */
export function useCanWrite(): boolean {
  return useContext(RoleContext) === 'admin';
}
