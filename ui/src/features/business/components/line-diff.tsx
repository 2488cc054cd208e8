import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { diffLines, hasChanges } from '@/lib/diff';
import { textDir } from '@/lib/format';

export function LineDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const { t } = useTranslation();
  const lines = diffLines(before, after);
  if (!hasChanges(lines)) {
    return (
      <Text size="xs" c="dimmed">
        {label}: {t('prompts.unchanged')}
      </Text>
    );
  }
  return (
    <div>
      <Text size="xs" fw={600} mb={2}>
        {label}
      </Text>
      <pre className="fd-diff" aria-label={label} data-testid="prompt-diff">
        {lines.map((l, i) => (
          <div
            key={i}
            dir={textDir(l.text)}
            className={`fd-diff-line ${l.type === 'add' ? 'fd-diff-add' : l.type === 'del' ? 'fd-diff-del' : ''}`}
            data-diff={l.type}
          >
            <span className="fd-diff-mark" aria-hidden="true">
              {l.type === 'add' ? '+' : l.type === 'del' ? '−' : ' '}
            </span>
            {l.text}
            {l.type === 'add' && <span className="visually-hidden"> ({t('prompts.added')})</span>}
            {l.type === 'del' && <span className="visually-hidden"> ({t('prompts.removed')})</span>}
          </div>
        ))}
      </pre>
    </div>
  );
}
