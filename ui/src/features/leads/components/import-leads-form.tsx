import { Alert, Anchor, Button, Code, FileInput, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '@/components/errors/error-alert';
import { paths } from '@/config/paths';
import { notifySuccess } from '@/lib/notify';
import type { LeadImportResult } from '@/types/api';
import { useImportLeads, usePreviewLeadsImport } from '../api/import-leads';

/** The columns the import reads (POST /api/leads/import in /api/openapi.json). */
const COLUMNS = 'first_name,last_name,phone,email,notes';
/** Rows listed per table; the counts above them are always complete. */
const MAX_LISTED = 200;

/** The UI's label of a column named in `invalid[].field`. */
const FIELD_LABELS: Record<string, string> = {
  first_name: 'leads.fields.firstName',
  last_name: 'leads.fields.lastName',
  phone: 'leads.fields.phone',
  phone_e164: 'leads.fields.phone',
  email: 'leads.fields.email',
  notes: 'leads.fields.notes',
  row: 'leads.import.wholeRow',
};

type Props = { onClose: () => void };

/**
 * The CSV import, in a dialog: choosing a file sends it as a dry run and
 * shows what an import would do; "Import" sends the same bytes for real.
 */
export function ImportLeadsForm({ onClose }: Props) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [data, setData] = useState<Blob | null>(null);
  const [readFailed, setReadFailed] = useState(false);
  const picks = useRef(0);
  const preview = usePreviewLeadsImport();
  const commit = useImportLeads((r) =>
    notifySuccess(t('leads.import.done', { created: r.created, updated: r.updated })),
  );

  const choose = (next: File | null) => {
    const pick = ++picks.current;
    setFile(next);
    setData(null);
    setReadFailed(false);
    preview.reset();
    commit.reset();
    if (!next) return;
    // Read once: the preview and the import send the same bytes, even if the
    // file changes on disk in between.
    next.arrayBuffer().then(
      (buf) => {
        if (pick !== picks.current) return;
        const blob = new Blob([buf], { type: 'text/csv' });
        setData(blob);
        preview.mutate(blob);
      },
      () => {
        if (pick === picks.current) setReadFailed(true);
      },
    );
  };

  const result = commit.data ?? preview.data;
  const done = commit.isSuccess;
  const error = commit.error ?? preview.error;
  const canImport =
    !!data && !!preview.data && !done && !commit.isPending && (preview.data.created > 0 || preview.data.updated > 0);

  return (
    <Stack gap="sm" data-testid="import-form">
      <div>
        <Text size="sm" c="dimmed">
          {t('leads.import.help')}
        </Text>
        <Code block dir="ltr" my={4} data-testid="import-columns">
          {COLUMNS}
        </Code>
        <Text size="sm" c="dimmed">
          {t('leads.import.helpFormat')}
        </Text>
      </div>
      <FileInput
        label={t('leads.import.file')}
        placeholder={t('leads.import.filePlaceholder')}
        accept=".csv,text/csv"
        clearable
        value={file}
        onChange={choose}
        disabled={commit.isPending}
        data-testid="import-file"
      />
      {(preview.isPending || (!!file && !data && !readFailed)) && (
        <Group gap="xs" data-testid="import-checking">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            {t('leads.import.checking')}
          </Text>
        </Group>
      )}
      {readFailed && (
        <Alert color="red" variant="light" role="alert" data-testid="import-read-failed">
          {t('leads.import.readFailed')}
        </Alert>
      )}
      {error && <ErrorAlert error={error} />}
      {result && <ImportSummary result={result} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} type="button" data-testid="import-close">
          {done ? t('common.close') : t('common.cancel')}
        </Button>
        {!done && (
          <Button
            onClick={() => data && commit.mutate(data)}
            disabled={!canImport}
            loading={commit.isPending}
            data-testid="import-submit"
          >
            {t('leads.import.submit')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function Stat({ label, value, testId, color }: { label: string; value: number; testId: string; color?: string }) {
  return (
    <div className="fd-stat" data-testid={testId} data-value={value}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color}>
        {value}
      </Text>
    </div>
  );
}

/** The counts of a dry run or an import, and the rows left out or matched to existing leads. */
export function ImportSummary({ result }: { result: LeadImportResult }) {
  const { t } = useTranslation();
  const dry = result.dry_run;
  const invalidRows = new Set(result.invalid.map((i) => i.row)).size;
  const invalid = result.invalid.slice(0, MAX_LISTED);
  const duplicates = result.duplicates.slice(0, MAX_LISTED);

  return (
    <Stack gap="sm" data-testid="import-summary" data-dry-run={String(dry)}>
      <Text fw={600} c={dry ? undefined : 'teal'}>
        {dry ? t('leads.import.previewTitle') : t('leads.import.resultTitle')}
      </Text>
      <div className="fd-stats">
        <Stat label={t('leads.import.rows')} value={result.rows} testId="import-rows" />
        <Stat
          label={dry ? t('leads.import.willCreate') : t('leads.import.created')}
          value={result.created}
          testId="import-created"
          color={result.created ? 'teal' : undefined}
        />
        <Stat
          label={dry ? t('leads.import.willUpdate') : t('leads.import.updated')}
          value={result.updated}
          testId="import-updated"
        />
        <Stat label={t('leads.import.duplicates')} value={result.duplicates.length} testId="import-duplicates" />
        <Stat
          label={t('leads.import.invalid')}
          value={invalidRows}
          testId="import-invalid"
          color={invalidRows ? 'red' : undefined}
        />
      </div>
      {dry && result.created === 0 && result.updated === 0 && (
        <Text size="sm" c="dimmed" data-testid="import-nothing">
          {t('leads.import.nothing')}
        </Text>
      )}

      {invalid.length > 0 && (
        <RowTable
          title={dry ? t('leads.import.invalidTitle') : t('leads.import.invalidTitleDone')}
          note={t('leads.import.rowNote')}
          headers={[t('leads.import.row'), t('leads.import.field'), t('leads.import.message')]}
          testId="import-invalid-table"
          more={result.invalid.length - invalid.length}
        >
          {invalid.map((i, n) => {
            const label = FIELD_LABELS[i.field];
            return (
              <Table.Tr key={n} data-testid="import-invalid-row" data-row={i.row} data-field={i.field}>
                <Table.Td>{i.row}</Table.Td>
                <Table.Td>
                  {label ? t(label) : ''}{' '}
                  <Text span size="xs" c="dimmed" className="fd-ltr">
                    {label ? `(${i.field})` : i.field}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" dir="auto">
                    {i.message}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </RowTable>
      )}

      {duplicates.length > 0 && (
        <RowTable
          title={t('leads.import.duplicatesTitle')}
          headers={[t('leads.import.row'), t('leads.import.existingLead')]}
          testId="import-duplicates-table"
          more={result.duplicates.length - duplicates.length}
        >
          {duplicates.map((d) => (
            <Table.Tr key={d.row} data-testid="import-duplicate-row" data-row={d.row}>
              <Table.Td>{d.row}</Table.Td>
              <Table.Td>
                {d.lead_id !== null ? (
                  // A new tab, so the dialog and its preview stay open.
                  <Anchor
                    component={Link}
                    to={paths.lead.getHref(d.lead_id)}
                    target="_blank"
                    rel="noopener"
                    size="sm"
                    data-testid="import-duplicate-link"
                  >
                    {t('leads.import.leadN', { id: d.lead_id })}
                  </Anchor>
                ) : (
                  <Text span size="sm" c="dimmed">
                    {t('leads.import.repeatInFile')}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </RowTable>
      )}
    </Stack>
  );
}

/** One titled table of the report's rows, with a count of the rows not shown. */
function RowTable({
  title,
  note,
  headers,
  testId,
  more,
  children,
}: {
  title: string;
  note?: string;
  headers: string[];
  testId: string;
  more: number;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section>
      <Text size="sm" fw={500} mb={note ? undefined : 4}>
        {title}
      </Text>
      {note && (
        <Text size="xs" c="dimmed" mb={4}>
          {note}
        </Text>
      )}
      <div className="fd-table-wrap fd-import-list" tabIndex={0}>
        <Table withTableBorder striped verticalSpacing={4} fz="sm" data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              {headers.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{children}</Table.Tbody>
        </Table>
      </div>
      {more > 0 && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('leads.import.more', { count: more })}
        </Text>
      )}
    </section>
  );
}
