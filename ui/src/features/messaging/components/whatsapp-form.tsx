import { Alert, Button, Group, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { useSendWhatsapp } from '../api/send-whatsapp';

/** Send a WhatsApp message; shows which provider carried it, or the server's message + hint. */
export function WhatsappForm({ leadId, disabled }: { leadId: number; disabled?: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const send = useSendWhatsapp();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || send.isPending) return;
    send.reset();
    send.mutate({ leadId, text: text.trim() }, { onSuccess: () => setText('') });
  };
  return (
    <form onSubmit={submit} data-testid="whatsapp-form">
      <Textarea
        dir="auto"
        label={t('whatsapp.message')}
        autosize
        minRows={2}
        maxRows={8}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        disabled={disabled}
        data-testid="whatsapp-text"
      />
      {send.error && (
        <div className="fd-mt-xs">
          <ErrorAlert error={send.error} />
        </div>
      )}
      {send.data && !send.error && (
        <Alert color="teal" variant="light" mt="xs" data-testid="whatsapp-sent" data-provider={send.data.provider}>
          {t('whatsapp.sent', { provider: send.data.provider })}
        </Alert>
      )}
      <Group justify="flex-end" mt="xs">
        <Button
          type="submit"
          size="sm"
          color="green"
          loading={send.isPending}
          disabled={disabled || !text.trim()}
          data-testid="whatsapp-send"
        >
          {t('whatsapp.send')}
        </Button>
      </Group>
    </form>
  );
}
