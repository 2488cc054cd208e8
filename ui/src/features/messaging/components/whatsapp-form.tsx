import { Alert, Button, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { isApiError } from '@/lib/api-client';
import { SEND_ERRORS, useSendWhatsapp } from '../api/send-whatsapp';

type Props = {
  leadId: number;
  disabled?: boolean;
  /** The business's approved template (`twilio_template_sid`): offered when the 24 h window is closed. */
  templateSid?: string | null;
  /** Prefills the template's {{1}} (e.g. the lead's first name). */
  defaultVariable?: string;
};

/**
 * Send a WhatsApp message; shows which provider carried it, or the server's
 * message + hint, explained for the errors a person can act on: the 24 h
 * window is closed (send the approved template instead), the message was
 * refused, no provider is available.
 */
export function WhatsappForm({ leadId, disabled, templateSid, defaultVariable = '' }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [variable, setVariable] = useState(defaultVariable);
  const send = useSendWhatsapp();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || send.isPending) return;
    send.reset();
    send.mutate({ leadId, text: text.trim() }, { onSuccess: () => setText('') });
  };
  const sendTemplate = () => {
    if (send.isPending) return;
    send.reset();
    const v = variable.trim();
    send.mutate({ leadId, template: true, ...(v ? { variables: { '1': v } } : {}) });
  };
  const code = isApiError(send.error) ? send.error.error : null;
  const known = code && (SEND_ERRORS as readonly string[]).includes(code) ? code : null;
  const windowClosed = code === 'whatsapp_window_closed';

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
        <div className="fd-mt-xs" data-testid="whatsapp-error" data-error={code ?? ''}>
          <ErrorAlert error={send.error}>
            {known && (
              <Text size="sm" mt={4} fw={500} data-testid="whatsapp-error-explained">
                {t(`whatsapp.errors.${known}`)}
              </Text>
            )}
          </ErrorAlert>
        </div>
      )}
      {windowClosed && (
        <Stack gap="xs" mt="xs" data-testid="whatsapp-template">
          {templateSid ? (
            <>
              <Text size="sm">{t('whatsapp.templateOffer')}</Text>
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  className="fd-grow"
                  size="xs"
                  dir="auto"
                  label={t('whatsapp.templateVariable')}
                  value={variable}
                  onChange={(e) => setVariable(e.currentTarget.value)}
                  data-testid="whatsapp-template-variable"
                />
                <Button
                  size="xs"
                  color="green"
                  onClick={sendTemplate}
                  loading={send.isPending}
                  data-testid="whatsapp-send-template"
                >
                  {t('whatsapp.sendTemplate')}
                </Button>
              </Group>
            </>
          ) : (
            <Text size="sm" c="dimmed" data-testid="whatsapp-no-template">
              {t('whatsapp.noTemplate')}
            </Text>
          )}
        </Stack>
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
