import { Badge, Group } from '@mantine/core';

/** A lead's tags as small badges (read-only); `onPick` makes each one a filter link. */
export function TagBadges({ tags, onPick }: { tags: readonly string[]; onPick?: (tag: string) => void }) {
  if (tags.length === 0) return null;
  return (
    <Group gap={4} wrap="wrap" data-testid="lead-row-tags">
      {tags.map((tag) =>
        onPick ? (
          <Badge
            tt="none"
            key={tag}
            component="button"
            type="button"
            size="sm"
            variant="light"
            color="grape"
            className="fd-tag-button"
            onClick={() => onPick(tag)}
            data-testid="row-tag"
            data-tag={tag}
          >
            <bdi>{tag}</bdi>
          </Badge>
        ) : (
          <Badge key={tag} tt="none" size="sm" variant="light" color="grape" data-testid="row-tag" data-tag={tag}>
            <bdi>{tag}</bdi>
          </Badge>
        ),
      )}
    </Group>
  );
}
