import { Button, Group, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { isApiError } from '@/lib/api-client';
import { useCreateUser, type CreateUserInput } from '../api/create-user';

export function NewUserForm({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<CreateUserInput['role']>('agent');
  const create = useCreateUser(onDone);
  const field = isApiError(create.error) ? create.error.field : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    create.mutate({ email: email.trim(), name: name.trim(), password, role });
  };
  return (
    <form onSubmit={submit} data-testid="new-user-form">
      <Stack gap="sm">
        {create.error && <ErrorAlert error={create.error} />}
        <TextInput
          label={t('users.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={field === 'name'}
          data-testid="user-name"
          autoFocus
        />
        <TextInput
          label={t('users.email')}
          type="email"
          dir="ltr"
          required
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={field === 'email'}
          data-testid="user-email"
        />
        <PasswordInput
          label={t('users.password')}
          description={t('users.passwordHelp')}
          required
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={field === 'password'}
          data-testid="user-password"
        />
        <Select
          label={t('users.role')}
          data={[
            { value: 'agent', label: t('roles.agent') },
            { value: 'owner', label: t('roles.owner') },
          ]}
          value={role}
          onChange={(v) => v && setRole(v as CreateUserInput['role'])}
          allowDeselect={false}
          data-testid="user-role"
        />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" type="button" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button
            type="submit"
            loading={create.isPending}
            disabled={!email || !name || !password}
            data-testid="user-submit"
          >
            {t('users.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
