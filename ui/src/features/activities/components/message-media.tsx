import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A file of a message as the server describes it (`data.media[]` of a message's timeline entry). */
export type Media = {
  kind?: string;
  url: string;
  content_type?: string;
  status?: string;
  transcript?: string | null;
  file_name?: string | null;
};

/** A message's files: our own /api/media/… links (shown inline) and https links (opened outside). */
export function mediaOf(data: unknown): Media[] {
  const v = data && typeof data === 'object' ? (data as Record<string, unknown>).media : undefined;
  if (!Array.isArray(v)) return [];
  return v.filter(
    (m): m is Media =>
      !!m &&
      typeof m === 'object' &&
      typeof (m as Media).url === 'string' &&
      (/^https?:\/\//.test((m as Media).url) || (m as Media).url.startsWith('/api/media/')),
  );
}

/**
 * One file in a bubble: an image (with its alt text), a voice note's player
 * with what it says under it, a video, or a document link; a file still being
 * fetched, or one that was too large or never came, is a line of text.
 */
export function MessageMedia({ media }: { media: Media }) {
  const { t } = useTranslation();
  const type = media.content_type || media.kind || '';
  const label = t('activity.attachment', { kind: media.kind || media.content_type || '' });
  if (
    media.status === 'pending' ||
    media.status === 'claimed' ||
    media.status === 'too_large' ||
    media.status === 'failed'
  ) {
    const note = media.status === 'too_large' ? 'tooLarge' : media.status === 'failed' ? 'failed' : 'pending';
    return (
      <Text size="xs" c="dimmed" fs="italic" data-testid="chat-media-note" data-status={media.status}>
        {t(`media.${note}`)}
      </Text>
    );
  }
  // Only our own origin is inline: the page's CSP (default-src 'self') blocks other hosts.
  if (media.url.startsWith('/')) {
    if (type.startsWith('image') || media.kind === 'sticker') {
      return (
        <img src={media.url} alt={t('media.image')} className="fd-bubble-img" loading="lazy" data-testid="chat-image" />
      );
    }
    if (type.startsWith('audio')) {
      return (
        <div data-testid="chat-voice">
          <audio controls preload="none" src={media.url} aria-label={t('media.voice')} />
          {media.transcript && (
            <Text size="sm" dir="auto" className="fd-pre" data-testid="chat-transcript">
              <span className="fd-visually-hidden">{t('media.transcript')}: </span>
              {media.transcript}
            </Text>
          )}
        </div>
      );
    }
    if (type.startsWith('video')) return <video controls preload="none" src={media.url} aria-label={label} />;
  }
  return (
    <Anchor href={media.url} target="_blank" rel="noopener noreferrer" size="xs" data-testid="chat-media">
      {media.file_name ? t('media.document', { name: media.file_name }) : label}
    </Anchor>
  );
}
