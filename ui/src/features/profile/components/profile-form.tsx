import { Alert, Button, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '@/components/errors/error-alert';
import { isApiError } from '@/lib/api-client';
import { pushSupported, subscribePush, unsubscribePush } from '@/lib/push';
import type { Me } from '@/types/api';
import { useUpdateMe } from '../api/update-me';

/** Name, the phone WhatsApp alerts go to, and the two alert switches. */
export function ProfileForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const update = useUpdateMe();
  const [name, setName] = useState(me.user.name);
  const [phone, setPhone] = useState(me.user.phone_e164 ?? '');
  const [whatsapp, setWhatsapp] = useState(Boolean(me.user.notify_whatsapp));
  const [pushNote, setPushNote] = useState<string | null>(null);
  const [pushBusy, setPushBusy] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ name, phone_e164: phone.trim() || null, notify_whatsapp: whatsapp });
  };

  // Push is switched at once: the browser asks for permission on this click.
  const togglePush = async (on: boolean) => {
    setPushNote(null);
    setPushBusy(true);
    try {
      if (on) {
        const outcome = await subscribePush();
        if (outcome !== 'subscribed') {
          setPushNote(t(outcome === 'denied' ? 'profile.pushDenied' : 'profile.pushUnsupported'));
          return;
        }
      } else {
        await unsubscribePush();
      }
      await update.mutateAsync({ notify_push: on });
    } catch (err) {
      setPushNote(err instanceof Error ? err.message : String(err));
    } finally {
      setPushBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="profile-form">
      <Stack gap="sm" maw={480}>
        <TextInput label={t('profile.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label={t('profile.phone')}
          description={t('profile.phoneHelp')}
          dir="ltr"
          type="tel"
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
          error={isApiError(update.error) && update.error.field === 'phone_e164' ? update.error.message : undefined}
          data-testid="profile-phone"
        />
        <Switch
          label={t('profile.whatsapp')}
          description={t('profile.whatsappHelp')}
          checked={whatsapp}
          onChange={(e) => setWhatsapp(e.currentTarget.checked)}
          data-testid="profile-whatsapp"
        />
        <Button type="submit" loading={update.isPending} data-testid="profile-save" w="fit-content">
          {t('common.save')}
        </Button>
        {update.isSuccess && !update.isPending && (
          <Text size="sm" c="teal" data-testid="profile-saved">
            {t('profile.saved')}
          </Text>
        )}
        {update.error && <ErrorAlert error={update.error} />}
        <Switch
          mt="md"
          label={t('profile.push')}
          description={pushSupported() ? t('profile.pushHelp') : t('profile.pushUnsupported')}
          checked={Boolean(me.user.notify_push)}
          disabled={pushBusy || !pushSupported()}
          onChange={(e) => void togglePush(e.currentTarget.checked)}
          data-testid="profile-push"
        />
        {pushNote && (
          <Alert color="yellow" data-testid="profile-push-note">
            {pushNote}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
