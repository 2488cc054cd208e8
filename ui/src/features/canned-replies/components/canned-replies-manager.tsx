import { Button, Code, Group, Paper, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { PageLoader } from '@/components/ui/page-loader';
import { CANNED_VARIABLES } from '@/lib/canned-fill';
import type { CannedReply } from '@/types/api';
import {
  useCannedReplies,
  useCreateCannedReply,
  useDeleteCannedReply,
  useUpdateCannedReply,
  type CannedReplyInput,
} from '../api/canned-replies';

/** The server's limits: a shortcut of 1-32 characters without spaces, a body of 1-2000. */
const SHORTCUT_MAX = 32;
const BODY_MAX = 2000;

function ReplyForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
  pending,
  error,
  testId,
}: {
  initial: CannedReplyInput;
  submitLabel: string;
  onSubmit: (input: CannedReplyInput) => void;
  onCancel?: () => void;
  pending: boolean;
  error: unknown;
  testId: string;
}) {
  const { t } = useTranslation();
  const [shortcut, setShortcut] = useState(initial.shortcut);
  const [body, setBody] = useState(initial.body);
  const cleanShortcut = shortcut.trim().replace(/^\//, '');
  const shortcutError = /\s/.test(cleanShortcut) ? t('canned.shortcutSpaces') : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!cleanShortcut || !body.trim() || shortcutError) return;
    onSubmit({ shortcut: cleanShortcut, body: body.trim() });
  };
  return (
    <form onSubmit={submit} data-testid={testId}>
      <Stack gap="xs">
        <TextInput
          label={t('canned.shortcut')}
          description={t('canned.shortcutHelp')}
          value={shortcut}
          maxLength={SHORTCUT_MAX + 1}
          onChange={(e) => setShortcut(e.currentTarget.value)}
          error={shortcutError}
          required
          dir="auto"
          data-testid="canned-shortcut"
        />
        <Textarea
          label={t('canned.body')}
          description={t('canned.variables', { list: CANNED_VARIABLES.map((v) => `{{${v}}}`).join(' ') })}
          value={body}
          maxLength={BODY_MAX}
          autosize
          minRows={2}
          maxRows={8}
          onChange={(e) => setBody(e.currentTarget.value)}
          required
          dir="auto"
          data-testid="canned-body"
        />
        {error ? <ErrorAlert error={error} /> : null}
        <Group gap="xs" justify="flex-end">
          {onCancel && (
            <Button variant="default" size="xs" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" size="xs" loading={pending} data-testid="canned-save">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ReplyRow({ reply, canEdit }: { reply: CannedReply; canEdit: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const update = useUpdateCannedReply();
  const remove = useDeleteCannedReply();
  if (editing) {
    return (
      <Paper withBorder p="sm">
        <ReplyForm
          initial={{ shortcut: reply.shortcut, body: reply.body }}
          submitLabel={t('common.save')}
          pending={update.isPending}
          error={update.error}
          onCancel={() => setEditing(false)}
          onSubmit={(input) => update.mutate({ id: reply.id, ...input }, { onSuccess: () => setEditing(false) })}
          testId="canned-edit-form"
        />
      </Paper>
    );
  }
  return (
    <Paper withBorder p="sm" data-testid="canned-row" data-shortcut={reply.shortcut}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Stack gap={2} className="fd-grow">
          <Code className="fd-ltr">/{reply.shortcut}</Code>
          <Text size="sm" className="fd-pre" dir="auto">
            {reply.body}
          </Text>
        </Stack>
        {canEdit && (
          <Group gap={4} wrap="nowrap">
            <Button
              size="xs"
              variant="default"
              onClick={() => setEditing(true)}
              aria-label={t('canned.editNamed', { shortcut: reply.shortcut })}
              data-testid="canned-edit"
            >
              {t('common.edit')}
            </Button>
            <Button
              size="xs"
              color="red"
              variant={confirming ? 'filled' : 'light'}
              loading={remove.isPending}
              onClick={() => (confirming ? remove.mutate(reply.id) : setConfirming(true))}
              onBlur={() => setConfirming(false)}
              aria-label={
                confirming
                  ? t('canned.confirmDeleteNamed', { shortcut: reply.shortcut })
                  : t('canned.deleteNamed', { shortcut: reply.shortcut })
              }
              data-testid="canned-delete"
            >
              {confirming ? t('canned.confirmDelete') : t('common.delete')}
            </Button>
          </Group>
        )}
      </Group>
    </Paper>
  );
}

/** Canned replies of the business: everyone reads them; owners and admins add, edit and delete. */
export function CannedRepliesManager({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const replies = useCannedReplies();
  const create = useCreateCannedReply();
  const [formKey, setFormKey] = useState(0);
  return (
    <Stack gap="sm" data-testid="canned-replies">
      <Text size="sm" c="dimmed">
        {t('canned.intro')}
      </Text>
      {replies.error && <ErrorAlert error={replies.error} onRetry={() => void replies.refetch()} />}
      {replies.isPending && <PageLoader />}
      {replies.data?.items.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="canned-empty">
          {t('canned.empty')}
        </Text>
      )}
      {replies.data?.items.map((r) => (
        <ReplyRow key={r.id} reply={r} canEdit={canEdit} />
      ))}
      {canEdit ? (
        <Paper withBorder p="sm">
          <Text fw={600} size="sm" mb="xs" component="h3">
            {t('canned.add')}
          </Text>
          <ReplyForm
            key={formKey}
            initial={{ shortcut: '', body: '' }}
            submitLabel={t('canned.add')}
            pending={create.isPending}
            error={create.error}
            onSubmit={(input) => create.mutate(input, { onSuccess: () => setFormKey((k) => k + 1) })}
            testId="canned-new-form"
          />
        </Paper>
      ) : (
        <Text size="xs" c="dimmed" data-testid="canned-read-only">
          {t('canned.readOnly')}
        </Text>
      )}
    </Stack>
  );
}
