/**
 * Fills a running server with a realistic business for measuring pages
 * (npm run lighthouse) and for screenshots: a business with an owner and
 * ~30 WhatsApp conversations in Hebrew (inbound and our replies), arriving
 * through the Baileys bridge's webhook as real ones do.
 *
 *   FRONTDESK_SEED_BASE=http://127.0.0.1:8080 \
 *   FRONTDESK_SEED_ADMIN_EMAIL=admin@example.com FRONTDESK_SEED_ADMIN_PASSWORD=... \
 *   FRONTDESK_SEED_BAILEYS_SECRET=... npm run seed-demo [-- --leads 30]
 *
 * The server must run with FRONTDESK_BAILEYS_SECRET (and a FRONTDESK_BAILEYS_URL,
 * which need not answer). Prints the owner's email and password (for
 * FRONTDESK_LH_EMAIL / FRONTDESK_LH_PASSWORD). Run it once per data file:
 * the business's instance name and the owner's email are fixed.
 */
const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return v;
};
const BASE = env('FRONTDESK_SEED_BASE').replace(/\/+$/, '');
const ADMIN_EMAIL = env('FRONTDESK_SEED_ADMIN_EMAIL');
const ADMIN_PASSWORD = env('FRONTDESK_SEED_ADMIN_PASSWORD');
const SECRET = env('FRONTDESK_SEED_BAILEYS_SECRET');
const leadsArg = process.argv.indexOf('--leads');
const LEADS = leadsArg >= 0 ? Number(process.argv[leadsArg + 1]) : 30;
const INSTANCE = 'seed-demo';
const OWNER = { email: 'owner@seed.example', name: 'נועה כהן', password: 'seed-pass-12345' };

/** A signed-in API client: keeps its own cookies and CSRF token. */
async function session(email, password) {
  const cookies = new Map();
  let csrf = '';
  const call = async (method, path, body) => {
    const headers = { Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRFToken'] = csrf;
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  csrf = (await call('GET', '/api/auth/csrf')).csrfToken;
  csrf = (await call('POST', '/api/auth/login', { email, password })).csrfToken;
  return call;
}

const FIRST = [
  'דנה',
  'יוסי',
  'מיכל',
  'אבי',
  'שירה',
  'רון',
  'תמר',
  'עומר',
  'נועם',
  'הילה',
  'איתי',
  'ליאת',
  'גיל',
  'מאיה',
];
const LAST = ['לוי', 'כהן', 'מזרחי', 'פרץ', 'ביטון', 'אברהם', 'פרידמן', 'אזולאי', 'דהן', 'שפירא'];
const THREADS = [
  [
    ['in', 'שלום, אפשר לקבוע תור לשבוע הבא?'],
    ['out', 'היי! בטח. איזה יום נוח לך?'],
    ['in', 'יום שלישי אחרי הצהריים, אם אפשר'],
  ],
  [
    ['in', 'כמה עולה טיפול ראשון?'],
    ['out', 'טיפול ראשון עולה 250 ₪ וכולל אבחון מלא.'],
    ['in', 'ויש חניה ליד?'],
    ['out', 'כן, יש חניון ציבורי ממש מול הכניסה.'],
    ['in', 'מעולה, תודה רבה!'],
  ],
  [['in', 'ערב טוב, אתם פתוחים מחר בבוקר? אני צריך לדבר עם מישהו לגבי ההזמנה שעשיתי בשבוע שעבר']],
  [
    ['in', 'היי, קיבלתי את ההודעה שלכם'],
    ['out', 'מצוין! רצינו לוודא שהתור ביום חמישי בעשר עדיין מתאים.'],
  ],
];

async function main() {
  const admin = await session(ADMIN_EMAIL, ADMIN_PASSWORD);
  const business = await admin('POST', '/api/admin/businesses', {
    name: 'מרפאת השקד',
    phone_e164: '+97231234567',
    whatsapp_e164: '+972501234567',
    whatsapp_instance: INSTANCE,
    timezone: 'Asia/Jerusalem',
    owner: OWNER,
  });
  const start = Math.floor(Date.now() / 1000) - LEADS * 900;
  for (let i = 0; i < LEADS; i++) {
    const phone = `97252${String(1000000 + i * 7919).slice(-7)}`;
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 3) % LAST.length]}`;
    const thread = THREADS[i % THREADS.length];
    for (const [j, [dir, text]] of thread.entries()) {
      const res = await fetch(`${BASE}/webhook/baileys`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Webhook-Secret': SECRET },
        body: JSON.stringify({
          event: 'messages.upsert',
          instance: INSTANCE,
          data: {
            key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: dir === 'out', id: `seed-${i}-${j}` },
            pushName: name,
            message: { conversation: text },
            messageTimestamp: start + i * 900 + j * 60,
          },
        }),
      });
      if (!res.ok) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`);
    }
  }
  console.log(`business #${business.id} "${business.name}" with ${LEADS} conversations`);
  console.log(`owner: ${OWNER.email} / ${OWNER.password}`);
}

await main();
