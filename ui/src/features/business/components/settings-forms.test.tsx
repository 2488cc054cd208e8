import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '@/lib/api-client';
import i18n from '@/i18n';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import type { CurrentBusiness } from '@/types/api';
import { ISRAEL_PRESET } from '../lib/business-hours';
import { FrontdeskForm } from './frontdesk-form';
import { HoursForm } from './hours-form';

const business: CurrentBusiness = {
  id: 1,
  name: 'Salon',
  phone_e164: null,
  whatsapp_e164: null,
  whatsapp_instance: null,
  timezone: 'Asia/Jerusalem',
  ai_auto_reply: true,
  default_region: 'IL',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  business_hours: { ...ISRAEL_PRESET, sun: [], mon: [['10:00', '24:00']] },
  holidays: ['2026-12-25'],
  forward_e164: null,
  ai_language: 'he',
  handoff_hours: 24,
  ai_max_replies_per_hour: 30,
  ai_max_replies_per_hour_business: 200,
  missed_call_text: null,
  twilio_template_sid: null,
  auto_assign: 'none',
  open_now: true,
  next_open_at: '2026-12-04T07:00:00Z',
  closes_at: '2026-12-03T16:00:00Z',
  allow_international_forward: false,
  booking_slot_step_min: 15,
  booking_min_notice_min: 60,
  booking_horizon_days: 30,
  booking_reminder_hours: 24,
  twilio_booking_template_sid: null,
  follow_ups: [],
};

describe('HoursForm', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows where the business stands, applies the Israeli preset and saves hours and holidays', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'PATCH /api/business/current': (c) => [200, { ...business, ...(c.body as object) }],
      'GET *': () => [200, {}],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<HoursForm business={business} />);
    expect(screen.getByTestId('open-status')).toHaveTextContent('Open now');
    expect(screen.getByTestId('open-status')).toHaveTextContent('closes at 18:00');
    expect(screen.getByTestId('hours-day-sun')).toHaveAttribute('data-open', 'false');
    expect(screen.getByTestId('hours-to-mon-0')).toHaveValue('00:00');
    expect(screen.getByTestId('hours-save')).toBeDisabled();

    fireEvent.click(screen.getByTestId('hours-preset-israel'));
    fireEvent.change(screen.getByTestId('hours-to-fri-0'), { target: { value: '14:30' } });
    fireEvent.click(screen.getByTestId('holiday-remove'));
    fireEvent.click(screen.getByTestId('hours-save'));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({
      business_hours: { ...ISRAEL_PRESET, fri: [['09:00', '14:30']] },
      holidays: [],
    });
  });

  it('blocks a day that ends before it starts', () => {
    renderWithProviders(<HoursForm business={business} />);
    fireEvent.change(screen.getByTestId('hours-from-fri-0'), { target: { value: '15:00' } });
    expect(screen.getByTestId('hours-problem-fri')).toHaveTextContent('must end after it starts');
    expect(screen.getByTestId('hours-save')).toBeDisabled();
  });
});

describe('FrontdeskForm', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('en');
    api.setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows a server 400 next to the field it names', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': () => [200, { csrfToken: 'tok' }],
      'PATCH /api/business/current': () => [
        400,
        {
          error: 'invalid_input',
          message: '`forward_e164`: not a phone number.',
          hint: 'Use E.164, e.g. +972521234567.',
          field: 'forward_e164',
        },
      ],
    });
    vi.stubGlobal('fetch', impl);
    renderWithProviders(<FrontdeskForm business={business} />);
    fireEvent.change(screen.getByTestId('frontdesk-forward'), { target: { value: '12' } });
    fireEvent.click(screen.getByTestId('frontdesk-save'));
    expect(await screen.findByText(/not a phone number\. — Use E\.164/)).toBeInTheDocument();
    expect(screen.getByTestId('frontdesk-forward')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('error-alert')).toBeNull();
    expect(calls.find((c) => c.method === 'PATCH')!.body).toMatchObject({ forward_e164: '12', handoff_hours: 24 });
  });

  it('checks the template SID before sending', () => {
    renderWithProviders(<FrontdeskForm business={business} />);
    fireEvent.change(screen.getByTestId('frontdesk-template-sid'), { target: { value: 'HX12' } });
    expect(screen.getByText('HX followed by 32 hex digits (0-9, a-f).')).toBeInTheDocument();
  });
});
