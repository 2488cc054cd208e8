import { Paper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/ui/page-header';
import { canManage, useSession } from '@/lib/auth';
import { CannedRepliesManager } from '@/features/canned-replies/components/canned-replies-manager';

/** Quick (canned) replies: everyone reads them, owners and admins manage them. */
export function Component() {
  const { t } = useTranslation();
  const me = useSession();
  return (
    <>
      <PageHeader title={t('canned.title')} />
      <Paper withBorder p="md">
        <CannedRepliesManager canEdit={canManage(me)} />
      </Paper>
    </>
  );
}
