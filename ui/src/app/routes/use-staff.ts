/** Who appointments are with: the business's enabled owners and agents (the platform admin gives none). */
import { useAssignees } from '@/features/leads/api/get-assignees';

export function useStaff(enabled = true): { id: number; name: string }[] {
  const assignees = useAssignees(enabled);
  return (assignees.data?.items ?? [])
    .filter((u) => u.role === 'owner' || u.role === 'agent')
    .map((u) => ({ id: u.id, name: u.name || u.email }));
}
