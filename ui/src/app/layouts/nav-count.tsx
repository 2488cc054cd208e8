import { Badge } from '@mantine/core';

export type NavItem = { to: string; label: string; testId: string; count?: number; countLabel?: string };

/** A badge with the item's count, hidden at zero. */
export function NavCount({ item }: { item: NavItem }) {
  if (!item.count) return null;
  return (
    <Badge
      size="sm"
      circle={item.count < 10}
      ms={6}
      aria-label={item.countLabel}
      title={item.countLabel}
      data-testid={`${item.testId}-count`}
    >
      {item.count > 99 ? '99+' : item.count}
    </Badge>
  );
}
