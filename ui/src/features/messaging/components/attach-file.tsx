import { Alert, Button, Group, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useId, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { MAX_FILE_BYTES, SENDABLE_TYPES, useSendFile } from '../api/send-file';

/**
 * The composer's attach button: pick one image or PDF, add a caption, send.
 * The type and size are checked here first (the server checks them again,
 * by the file's bytes); while it uploads a progress bar shows.
 */
export function AttachFile({ leadId, disabled }: { leadId: number; disabled?: boolean }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const send = useSendFile();
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.currentTarget.files?.[0] ?? null;
    send.reset();
    setProblem(null);
    if (f && !(SENDABLE_TYPES as readonly string[]).includes(f.type)) setProblem(t('media.wrongType'));
    else if (f && f.size > MAX_FILE_BYTES) setProblem(t('media.tooBig'));
    setFile(f);
  };
  const clear = () => {
    setFile(null);
    setCaption('');
    setProblem(null);
    if (input.current) input.current.value = '';
  };
  const submit = () => {
    if (!file || problem || send.isPending) return;
    send.mutate({ leadId, file, caption }, { onSuccess: clear });
  };
  return (
    <Stack gap={4} className="fd-attach" data-testid="attach">
      <Group gap="xs" wrap="nowrap">
        <label htmlFor={inputId} className="fd-visually-hidden">
          {t('media.file')}
        </label>
        <input
          ref={input}
          id={inputId}
          type="file"
          accept={SENDABLE_TYPES.join(',')}
          onChange={pick}
          disabled={disabled || send.isPending}
          className="fd-visually-hidden"
          data-testid="attach-input"
        />
        <Button
          size="xs"
          variant="default"
          disabled={disabled || send.isPending}
          onClick={() => input.current?.click()}
          aria-describedby={file ? `${inputId}-name` : undefined}
          data-testid="attach-button"
        >
          {t('media.attach')}
        </Button>
        {file && (
          <Text id={`${inputId}-name`} size="xs" dir="auto" truncate data-testid="attach-name">
            {file.name}
          </Text>
        )}
      </Group>
      {file && !problem && (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            className="fd-grow"
            size="xs"
            dir="auto"
            label={t('media.caption')}
            value={caption}
            onChange={(e) => setCaption(e.currentTarget.value)}
            data-testid="attach-caption"
          />
          <Button size="xs" onClick={submit} loading={send.isPending} data-testid="attach-send">
            {t('media.sendFile')}
          </Button>
          <Button size="xs" variant="subtle" onClick={clear} disabled={send.isPending}>
            {t('media.cancel')}
          </Button>
        </Group>
      )}
      {send.isPending && <Progress value={100} animated aria-label={t('media.sending')} size="sm" />}
      {problem && (
        <Alert color="red" variant="light" role="alert" data-testid="attach-problem">
          {problem}
        </Alert>
      )}
      {send.error && <ErrorAlert error={send.error} />}
    </Stack>
  );
}
