import { Alert, Button, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useId, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { isApiError } from '@/lib/api-client';
import { useTimezone } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { SEND_ERRORS, useSendWhatsapp } from '../api/send-whatsapp';
import { AttachFile } from './attach-file';

type Props = {
  leadId: number;
  disabled?: boolean;
  /** The business's approved template (`twilio_template_sid`): offered when the 24 h window is closed. */
  templateSid?: string | null;
  /** Prefills the template's {{1}} (e.g. the lead's first name). */
  defaultVariable?: string;
  /** The chat composer: one line to start, the label for screen readers only. */
  compact?: boolean;
  /** Canned replies, already filled in: typing `/` at the start lists them. */
  replies?: readonly QuickReply[];
  /**
   * "Send later" beside Send: the time picker the page renders (lazily) for
   * the composer's text; it calls `onScheduled` once the send is queued.
   */
  sendLater?: (p: SendLaterSlot) => ReactNode;
};

export type SendLaterSlot = { text: string; onScheduled: (sendAt: string) => void; onClose: () => void };

export type QuickReply = { shortcut: string; text: string };

/** The replies a `/query` in the composer lists (by shortcut, then by text); null when no list is open. */
export function matchReplies(text: string, replies: readonly QuickReply[]): QuickReply[] | null {
  if (!text.startsWith('/') || /\s/.test(text)) return null;
  const q = text.slice(1).toLowerCase();
  const byShortcut = replies.filter((r) => r.shortcut.toLowerCase().startsWith(q));
  const byText = replies.filter(
    (r) => !byShortcut.includes(r) && (r.shortcut.toLowerCase().includes(q) || r.text.toLowerCase().includes(q)),
  );
  return [...byShortcut, ...byText];
}

/**
 * Send a WhatsApp message; shows which provider carried it, or the server's
 * message + hint, explained for the errors a person can act on: the 24 h
 * window is closed (send the approved template instead), the message was
 * refused, no provider is available.
 */
export function WhatsappForm({
  leadId,
  disabled,
  templateSid,
  defaultVariable = '',
  compact,
  replies = [],
  sendLater,
}: Props) {
  const { t, i18n } = useTranslation();
  const tz = useTimezone();
  const [text, setText] = useState('');
  const [laterOpen, setLaterOpen] = useState(false);
  const [scheduledFor, setScheduledFor] = useState<string | null>(null);
  const laterId = useId();
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const listId = useId();
  const hintId = useId();
  const matches = replies.length && !dismissed ? matchReplies(text, replies) : null;
  const pick = (r: QuickReply | undefined) => {
    if (!r) return;
    setText(r.text);
    setDismissed(true);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (matches) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = Math.max(matches.length, 1);
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        pick(matches[Math.min(active, matches.length - 1)]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(true);
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.currentTarget.form?.requestSubmit();
    }
  };
  const [variable, setVariable] = useState(defaultVariable);
  const send = useSendWhatsapp();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || send.isPending) return;
    send.reset();
    setScheduledFor(null);
    send.mutate({ leadId, text: text.trim() }, { onSuccess: () => setText('') });
  };
  const scheduled = (sendAt: string) => {
    setText('');
    setLaterOpen(false);
    send.reset();
    setScheduledFor(sendAt);
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

  const sendButton = (
    <Button
      type="submit"
      size="sm"
      loading={send.isPending}
      disabled={disabled || !text.trim()}
      data-testid="whatsapp-send"
    >
      {t('whatsapp.send')}
    </Button>
  );
  const laterButton = sendLater && (
    <Button
      type="button"
      size="sm"
      variant={laterOpen ? 'light' : 'default'}
      px={8}
      aria-label={t('scheduled.later')}
      title={t('scheduled.later')}
      aria-expanded={laterOpen}
      aria-controls={laterOpen ? laterId : undefined}
      disabled={disabled || (!laterOpen && !text.trim())}
      onClick={() => setLaterOpen((o) => !o)}
      data-testid="send-later-toggle"
    >
      <svg
        aria-hidden="true"
        width="18"
        height="18"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v5l3 2" />
      </svg>
    </Button>
  );

  return (
    <form onSubmit={submit} data-testid="whatsapp-form">
      {matches && (
        <ul
          id={listId}
          role="listbox"
          aria-label={t('canned.pick')}
          className="fd-quick-list"
          data-testid="quick-replies"
        >
          {matches.length === 0 && (
            <li role="option" aria-selected={false} aria-disabled className="fd-quick-none">
              {t('canned.noMatch')}
            </li>
          )}
          {matches.map((r, i) => (
            <li
              key={r.shortcut}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === Math.min(active, matches.length - 1)}
              className="fd-quick-item"
              data-testid="quick-reply"
              data-shortcut={r.shortcut}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(r);
              }}
            >
              <span className="fd-ltr fd-quick-shortcut">/{r.shortcut}</span>
              <span className="fd-quick-text" dir="auto">
                {r.text}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className={compact ? 'fd-composer-row' : undefined}>
        <Textarea
          className={compact ? 'fd-grow' : undefined}
          id={compact ? 'composer' : undefined}
          dir="auto"
          label={t('whatsapp.message')}
          labelProps={compact ? { className: 'fd-visually-hidden' } : undefined}
          autosize
          minRows={compact ? 1 : 2}
          maxRows={compact ? 5 : 8}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setDismissed(false);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          aria-describedby={replies.length ? hintId : undefined}
          aria-controls={matches ? listId : undefined}
          aria-activedescendant={matches?.length ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined}
          disabled={disabled}
          data-testid="whatsapp-text"
        />
        {compact && laterButton}
        {compact && sendButton}
      </div>
      {sendLater && laterOpen && (
        <div id={laterId} className="fd-mt-xs">
          {sendLater({ text, onScheduled: scheduled, onClose: () => setLaterOpen(false) })}
        </div>
      )}
      {scheduledFor && (
        <Alert color="blue" variant="light" mt="xs" data-testid="send-later-done">
          {t('scheduled.done', { when: formatDateTime(scheduledFor, i18n.language, tz) })}
        </Alert>
      )}
      <AttachFile leadId={leadId} disabled={disabled} />
      {replies.length > 0 && (
        <span id={hintId} className="fd-visually-hidden">
          {t('canned.composerHint')}
        </span>
      )}
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
                <Button size="xs" onClick={sendTemplate} loading={send.isPending} data-testid="whatsapp-send-template">
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
      {!compact && (
        <Group justify="flex-end" mt="xs">
          {laterButton}
          {sendButton}
        </Group>
      )}
    </form>
  );
}
