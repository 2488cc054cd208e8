import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { DateTime } from '@/components/ui/date-time';
import type { Prompt } from '@/types/api';
import { useUpdatePrompt } from '../api/update-prompt';

/**
 * The two AI prompts, edited side by side and saved together in ONE PUT
 * `{calls_prompt, whatsapp_prompt}` (the original bug sent `{prompt}`).
 */
export function PromptForm({ prompt }: { prompt: Prompt }) {
  const { t } = useTranslation();
  const [calls, setCalls] = useState(prompt.calls_prompt ?? '');
  const [whatsapp, setWhatsapp] = useState(prompt.whatsapp_prompt ?? '');
  const [saved, setSaved] = useState(false);
  const update = useUpdatePrompt(() => setSaved(true));

  const dirty = calls !== (prompt.calls_prompt ?? '') || whatsapp !== (prompt.whatsapp_prompt ?? '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (update.isPending) return;
    setSaved(false);
    update.mutate({ calls_prompt: calls, whatsapp_prompt: whatsapp });
  };

  return (
    <form onSubmit={submit} data-testid="prompt-form">
      <Stack gap="sm">
        {update.error && <ErrorAlert error={update.error} />}
        {saved && !dirty && !update.error && (
          <Alert
            color="teal"
            variant="light"
            data-testid="prompt-saved"
            withCloseButton
            onClose={() => setSaved(false)}
            closeButtonLabel={t('common.close')}
          >
            {t('prompts.saved')}
          </Alert>
        )}
        <div className="fd-prompts">
          <Textarea
            dir="auto"
            label={t('prompts.calls')}
            description={t('prompts.callsHelp')}
            autosize
            minRows={8}
            maxRows={24}
            value={calls}
            onChange={(e) => setCalls(e.currentTarget.value)}
            data-testid="prompt-calls"
          />
          <Textarea
            dir="auto"
            label={t('prompts.whatsapp')}
            description={t('prompts.whatsappHelp')}
            autosize
            minRows={8}
            maxRows={24}
            value={whatsapp}
            onChange={(e) => setWhatsapp(e.currentTarget.value)}
            data-testid="prompt-whatsapp"
          />
        </div>
        <Group justify="space-between" wrap="wrap">
          <Text size="xs" c="dimmed">
            {prompt.updated_at ? (
              <>
                {t('prompts.lastSaved')} <DateTime value={prompt.updated_at} />
              </>
            ) : (
              t('prompts.neverSaved')
            )}
          </Text>
          <Button type="submit" loading={update.isPending} disabled={!dirty} data-testid="prompt-save">
            {t('prompts.saveBoth')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
