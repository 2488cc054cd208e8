import { Button, Group, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { useCreateNote } from '../api/create-note';

export function NoteForm({ leadId }: { leadId: number }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const create = useCreateNote(() => setBody(''));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim() || create.isPending) return;
    create.mutate({ leadId, body: body.trim() });
  };
  return (
    <form onSubmit={submit}>
      <Textarea
        dir="auto"
        label={t('activity.addNote')}
        autosize
        minRows={2}
        maxRows={8}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
        data-testid="note-body"
      />
      {create.error && (
        <div className="fd-mt-xs">
          <ErrorAlert error={create.error} />
        </div>
      )}
      <Group justify="flex-end" mt="xs">
        <Button type="submit" size="sm" loading={create.isPending} disabled={!body.trim()} data-testid="note-submit">
          {t('activity.saveNote')}
        </Button>
      </Group>
    </form>
  );
}
