import { Group, Pagination, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * Pagination with the total count ("1–25 of 130"). `moreThan`: the server
 * stopped counting at `total` ("1–25 of more than 1,000"), so one page past
 * it is offered.
 */
export function Paging({
  page,
  pageSize,
  total,
  moreThan = false,
  onChange,
}: {
  page: number;
  pageSize: number;
  total: number;
  moreThan?: boolean;
  onChange: (page: number) => void;
}) {
  const { t } = useTranslation();
  const size = Math.max(1, pageSize);
  const pages = moreThan ? Math.max(Math.ceil((total + 1) / size), page) : Math.max(1, Math.ceil(total / size));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = moreThan ? page * pageSize : Math.min(total, page * pageSize);
  return (
    <Group justify="space-between" mt="md" wrap="wrap" gap="xs">
      <Text size="sm" c="dimmed" data-testid="paging-total">
        {t(moreThan ? 'common.rangeMoreThan' : 'common.range', { from, to, total })}
      </Text>
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page}
          onChange={onChange}
          size="sm"
          getControlProps={(control) => ({ 'aria-label': t(`common.page_${control}`) })}
          getItemProps={(p) => ({ 'aria-label': t('common.pageN', { page: p }) })}
        />
      )}
    </Group>
  );
}
