import { formatPhone } from '@/lib/format';

/** A phone number in national format; always laid out left-to-right. */
export function Phone({ value }: { value: string | null | undefined }) {
  if (!value) return null;
  return (
    <bdi dir="ltr" className="fd-phone">
      {formatPhone(value)}
    </bdi>
  );
}
