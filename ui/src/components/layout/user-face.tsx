import { useSession } from '@/lib/auth';

/** The account button's face: the initial, and the name beside it on wide screens. */
export function UserFace() {
  const me = useSession();
  const initials = (me.user.name || me.user.email).trim().slice(0, 1).toUpperCase();
  return (
    <>
      <span className="fd-avatar" aria-hidden="true">
        {initials}
      </span>
      <span className="fd-sr-mobile fd-user-name">{me.user.name || me.user.email}</span>
    </>
  );
}
