/**
 * Appointments in the UI, in Hebrew, on a phone (390x844) and a desktop:
 * seeded through the API (a staff member with hours, a service; the fixture's
 * lead), then on /calendar a click on a free cell books it, the appointment
 * shows, is confirmed, moved and cancelled; the lead page books too; axe on
 * the calendar (day and week) and the settings' appointment sections.
 */
import { expect } from '@playwright/test';
import { apiWrite } from '../fixtures.mjs';
import { byTestId, fillDateTime } from '../lib/browser.mjs';
import path from 'node:path';
import { ARTIFACTS } from '../lib/config.mjs';
import { assert, shot } from '../lib/harness.mjs';
import { axeCheck as axeNow } from '../lib/axe.mjs';

const TZ = 'Asia/Jerusalem';

/** axe on the page at rest: the pointer off every control (a hovered button shows its hover colour). */
async function axeCheck(page, what) {
  await page.mouse.move(0, 0);
  await axeNow(page, what);
}

function wall(iso) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: TZ,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return { day: `${p.year}-${p.month}-${p.day}`, minutes: (Number(p.hour) % 24) * 60 + Number(p.minute) };
}

/** A staff member working every day 07:00–21:00 and a 30-minute service only they give. */
async function seed(page, token, stamp) {
  const user = await apiWrite(page, token, 'POST', '/api/business/current/users', {
    email: `staff-${stamp}@example.com`,
    name: `צוות ${stamp}`,
    password: 'staff-pass-12345',
    role: 'agent',
  });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  const staffId = user.body.id;
  const day = [['07:00', '21:00']];
  const hours = { sun: day, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day };
  const put = await apiWrite(page, token, 'PUT', `/api/business/current/users/${staffId}/schedule`, {
    work_hours: hours,
    time_off: [],
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const service = await apiWrite(page, token, 'POST', '/api/services', {
    name: `תספורת ${stamp}`,
    duration_min: 30,
    price: 12000,
    staff_user_ids: [staffId],
  });
  expect(service.status, JSON.stringify(service.body)).toBe(201);
  return { staffId, serviceId: service.body.id };
}

/** A screenshot of what the screen shows (a phone's page is long; its header sticks). */
async function screenShot(page, name) {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** A button pressed from the keyboard (a toast may lie over it on a phone, and the keyboard must work anyway). */
async function press(locator) {
  await locator.focus();
  await locator.press('Enter');
}

/** A switch toggled from the keyboard (a toast may lie over it on a phone). */
async function toggle(locator, checked) {
  await locator.focus();
  await locator.press('Space');
  await expect(locator).toBeChecked({ checked });
}

/** Free half-hour starts of the staff member, two days ahead or later (clear of the minimum notice). */
async function freeSlots(page, serviceId, staffId) {
  const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 16 * 86_400_000).toISOString();
  const res = await page.request.get('/api/availability', {
    params: { service_id: serviceId, staff_user_id: staffId, from, to },
  });
  expect(res.status()).toBe(200);
  const { slots } = await res.json();
  return slots.filter((s) => wall(s.starts_at).minutes % 30 === 0);
}

async function calendarFlow({ page, token, stamp, leadId, leadUrl }, size) {
  const { staffId, serviceId } = await seed(page, token, stamp);
  const slots = await freeSlots(page, serviceId, staffId);
  assert(slots.length > 2, `no free slots for the seeded staff member: ${JSON.stringify(slots.slice(0, 3))}`);
  const first = slots[0];
  const { day, minutes } = wall(first.starts_at);

  // The day view of that day, that staff member's column; a click on the free cell opens the booking dialog.
  await page.goto(`/calendar?view=day&date=${day}&staff=${staffId}`);
  const column = byTestId(page, `calendar-staff-${staffId}`);
  await column.waitFor();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  if (size === 'phone') {
    // One staff member at a time on a phone, chosen above the grid.
    await expect(page.locator('[data-testid^="calendar-staff-"][data-day]')).toHaveCount(1);
  }
  await axeCheck(page, `calendar day (${size})`);
  await column.locator(`[data-testid="calendar-cell"][data-minutes="${minutes}"]`).click();
  const form = byTestId(page, 'booking-form');
  await form.waitFor();
  await byTestId(page, 'booking-lead-search').fill(stamp);
  await page.getByRole('option', { name: new RegExp(`Lead ${stamp}`) }).click();
  await expect(byTestId(page, 'booking-lead')).toContainText(`Lead ${stamp}`);
  await byTestId(page, 'booking-service').selectOption(String(serviceId));
  // The clicked cell's time is chosen by itself once availability shows it free.
  await expect(form.locator(`[data-testid="slot"][data-starts-at="${first.starts_at}"]`)).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await byTestId(page, 'booking-note').fill(`e2e ${stamp}`);
  if (size === 'phone') await screenShot(page, 'booking-dialog-phone-he');
  await axeCheck(page, `booking dialog (${size})`);
  await byTestId(page, 'booking-submit').click();
  await form.waitFor({ state: 'detached' }).catch(() => {});
  const block = column.locator(`[data-testid="calendar-appointment"][data-lead-id="${leadId}"]`);
  await expect(block).toHaveAttribute('data-status', 'booked');
  await block.scrollIntoViewIfNeeded();
  await screenShot(page, `calendar-day-${size}-he`);

  // Open it: confirm.
  await press(block);
  const details = byTestId(page, 'appointment-details');
  await expect(details).toHaveAttribute('data-status', 'booked');
  await axeCheck(page, `appointment dialog (${size})`);
  await press(byTestId(page, 'appointment-confirm'));
  await expect(details).toHaveAttribute('data-status', 'confirmed');
  await expect(block).toHaveAttribute('data-status', 'confirmed');

  // Reschedule to another free time of that day (a move books it again).
  await press(byTestId(page, 'appointment-reschedule'));
  const move = byTestId(page, 'reschedule-form');
  const other = move.locator('[data-testid="slot"]').filter({ hasNot: page.locator('[aria-pressed="true"]') });
  await other.first().waitFor();
  const target = await other.nth(1).getAttribute('data-starts-at');
  await press(move.locator(`[data-testid="slot"][data-starts-at="${target}"]`));
  await press(byTestId(page, 'reschedule-save'));
  await expect(details).toHaveAttribute('data-status', 'booked');
  const moved = wall(target);
  const hhmm = `${String(Math.floor(moved.minutes / 60)).padStart(2, '0')}:${String(moved.minutes % 60).padStart(2, '0')}`;
  await expect(byTestId(page, 'appointment-when')).toContainText(hhmm);

  // Cancel with a reason: it leaves the grid (cancelled ones are hidden by default).
  await press(byTestId(page, 'appointment-cancel'));
  await byTestId(page, 'cancel-reason').fill('הלקוח ביקש');
  await press(byTestId(page, 'cancel-confirm'));
  await expect(details).toHaveAttribute('data-status', 'cancelled');
  await page.keyboard.press('Escape');
  await expect(block).toHaveCount(0);
  await toggle(byTestId(page, 'calendar-show-cancelled'), true);
  await expect(block).toHaveAttribute('data-status', 'cancelled');

  // The week view: Sunday first, right to left.
  await byTestId(page, 'calendar-view').getByText('שבוע').click();
  await expect(byTestId(page, 'calendar')).toHaveAttribute('data-view', 'week');
  const firstDay = await page.locator('[data-testid="calendar-day"]').first().getAttribute('data-day');
  assert(new Date(`${firstDay}T12:00:00Z`).getUTCDay() === 0, `the week starts on ${firstDay}, not a Sunday`);
  await axeCheck(page, `calendar week (${size})`);
  if (size === 'desktop') await shot(page, 'calendar-week-desktop-he');

  // Book from the lead page, the lead already filled in.
  await page.goto(leadUrl);
  const section = byTestId(page, 'lead-section-appointments');
  await section.waitFor();
  if (size === 'phone') await section.locator('button').first().click();
  const list = byTestId(page, 'lead-appointments');
  await list.waitFor();
  await expect(list.locator('[data-testid="lead-appointment"][data-status="cancelled"]')).toHaveCount(1);
  await press(byTestId(page, 'lead-book'));
  await expect(byTestId(page, 'booking-lead')).toContainText(`Lead ${stamp}`);
  await byTestId(page, 'booking-service').selectOption(String(serviceId));
  await byTestId(page, 'booking-staff').selectOption(String(staffId));
  await byTestId(page, 'slot-day').fill(day);
  await press(byTestId(page, 'slot').first());
  await press(byTestId(page, 'booking-submit'));
  await expect(list.locator('[data-testid="lead-appointment"][data-status="booked"]')).toHaveCount(1);
  await axeCheck(page, `lead appointments (${size})`);
}

async function settingsFlow({ page, token, stamp }, size) {
  const { staffId } = await seed(page, token, `${stamp}s`);
  await page.goto('/settings');
  const services = byTestId(page, 'settings-services');
  await services.locator('[data-testid="service-row"]').first().waitFor();
  await byTestId(page, 'settings-staff-hours').locator('[data-testid="staff-hours-form"]').waitFor();
  await byTestId(page, 'booking-settings-form').waitFor();
  await axeCheck(page, `settings (${size})`);
  // Add a service from the UI: price typed in shekels, sent in agorot.
  await byTestId(page, 'service-add').click();
  await byTestId(page, 'service-name').fill(`צבע ${stamp}`);
  await byTestId(page, 'service-price').fill('99.90');
  await axeCheck(page, `service dialog (${size})`);
  await byTestId(page, 'service-save').click();
  await services.getByText(`צבע ${stamp}`).waitFor();
  const res = await page.request.get('/api/services');
  const made = (await res.json()).items.find((s) => s.name === `צבע ${stamp}`);
  expect(made?.price).toBe(9990);
  // A staff member's week: Friday off, and a day of time off; saved with PUT and read back.
  const hours = byTestId(page, 'settings-staff-hours');
  await byTestId(page, 'staff-hours-who').selectOption(String(staffId));
  await expect(byTestId(page, 'staff-hours-own')).toBeChecked();
  await toggle(byTestId(page, 'staff-hours-open-fri'), false);
  await fillDateTime(page, 'time-off-from', '2031-01-05 08:00:00');
  await fillDateTime(page, 'time-off-until', '2031-01-05 20:00:00');
  await byTestId(page, 'time-off-note').fill('חופש');
  await press(byTestId(page, 'time-off-add'));
  await expect(hours.locator('[data-testid="time-off"]')).toHaveCount(1);
  await press(byTestId(page, 'staff-hours-save'));
  await expect
    .poll(async () => {
      const r = await page.request.get(`/api/business/current/users/${staffId}/schedule`);
      const b = await r.json();
      return JSON.stringify([b.work_hours.fri, b.time_off.map((o) => [Date.parse(o.starts_at), o.note])]);
    })
    .toBe(JSON.stringify([[], [[Date.parse('2031-01-05T06:00:00Z'), 'חופש']]]));
  if (size === 'phone') {
    await services.scrollIntoViewIfNeeded();
    await screenShot(page, 'services-settings-phone-he');
  }
}

export const scenarios = [
  { name: 'calendar-desktop', size: 'desktop', run: (ctx) => calendarFlow(ctx, 'desktop') },
  { name: 'calendar-phone', size: 'phone', run: (ctx) => calendarFlow(ctx, 'phone') },
  { name: 'appointment-settings-desktop', size: 'desktop', run: (ctx) => settingsFlow(ctx, 'desktop') },
  { name: 'appointment-settings-phone', size: 'phone', run: (ctx) => settingsFlow(ctx, 'phone') },
];
