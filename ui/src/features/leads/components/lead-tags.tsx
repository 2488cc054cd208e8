import { ActionIcon, Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { isApiError } from '@/lib/api-client';
import type { Lead } from '@/types/api';
import { useUpdateLead } from '../api/update-lead';
import { addTag, removeTag, TAG_MAX_LENGTH, TAGS_MAX, type TagProblem } from '../lib/tags';

/** The lead's tags: chips to remove, a field to add; each change is saved at once (PATCH {tags}). */
export function LeadTags({ lead }: { lead: Lead }) {
  const { t } = useTranslation();
  const [input, setInput] = useState('');
  const [problem, setProblem] = useState<TagProblem | null>(null);
  const update = useUpdateLead();
  const tags = lead.tags ?? [];

  const save = (next: string[], after?: () => void) => {
    update.reset();
    update.mutate({ leadId: lead.id, data: { tags: next } }, { onSuccess: after });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending) return;
    const added = addTag(tags, input);
    if ('problem' in added) {
      setProblem(added.problem);
      return;
    }
    setProblem(null);
    save(added.tags, () => setInput(''));
  };
  const fieldError =
    problem && problem !== 'empty' ? t(`tags.problem.${problem}`, { max: TAG_MAX_LENGTH, count: TAGS_MAX }) : null;
  const serverFieldError = isApiError(update.error) && update.error.field === 'tags';

  return (
    <Stack gap="xs" data-testid="lead-tags">
      {tags.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('tags.none')}
        </Text>
      ) : (
        <Group gap={6} wrap="wrap">
          {tags.map((tag) => (
            <Badge
              tt="none"
              key={tag}
              variant="light"
              color="grape"
              size="lg"
              className="fd-badge-full"
              data-testid="tag-chip"
              data-tag={tag}
              rightSection={
                <ActionIcon
                  size="xs"
                  variant="transparent"
                  color="grape"
                  aria-label={t('tags.remove', { tag })}
                  title={t('tags.remove', { tag })}
                  disabled={update.isPending}
                  onClick={() => save(removeTag(tags, tag))}
                  data-testid="tag-remove"
                >
                  ×
                </ActionIcon>
              }
            >
              <bdi>{tag}</bdi>
            </Badge>
          ))}
        </Group>
      )}
      <form onSubmit={submit}>
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <TextInput
            className="fd-grow"
            size="sm"
            dir="auto"
            aria-label={t('tags.add')}
            placeholder={t('tags.placeholder')}
            value={input}
            onChange={(e) => {
              setInput(e.currentTarget.value);
              setProblem(null);
            }}
            error={fieldError || (serverFieldError ? update.error?.message : null)}
            maxLength={TAG_MAX_LENGTH * 2}
            data-testid="tag-input"
          />
          <Button
            type="submit"
            size="sm"
            variant="default"
            loading={update.isPending}
            disabled={!input.trim() || tags.length >= TAGS_MAX}
            data-testid="tag-add"
          >
            {t('tags.add')}
          </Button>
        </Group>
      </form>
      {update.error && !serverFieldError && <ErrorAlert error={update.error} />}
    </Stack>
  );
}
