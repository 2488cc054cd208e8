import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { useLogin } from '@/lib/auth';

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useTranslation();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (login.isPending) return;
    login.mutate({ email: email.trim(), password }, { onSuccess });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('login.title')}>
      <Stack gap="sm">
        {login.error && <ErrorAlert error={login.error} />}
        <TextInput
          label={t('login.email')}
          type="email"
          autoComplete="username"
          required
          dir="ltr"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          data-testid="login-email"
          autoFocus
        />
        <PasswordInput
          label={t('login.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-testid="login-password"
        />
        <Button
          type="submit"
          loading={login.isPending}
          disabled={!email || !password}
          data-testid="login-submit"
          fullWidth
        >
          {t('login.submit')}
        </Button>
      </Stack>
    </form>
  );
}
