/** A fake Baileys bridge (Evolution API) for the WhatsApp scenarios. */
import http from 'node:http';
import { QR_PNG } from './media-fixtures.mjs';

/**
 * The two Evolution API endpoints the server calls, on 127.0.0.1:`port`.
 * `states` sets an instance's connection state (default "open"); every
 * request is recorded in `requests` ({method, path, instance, apikey, body}).
 */
export function startBridge(port, secret) {
  const states = new Map();
  const requests = [];
  // Files of inbound messages, by message id: {base64, mimetype} (getBase64FromMediaMessage).
  const media = new Map();
  // Message ids unique across runs (the server keeps (provider, id) unique).
  const idPrefix = `E2EFAKE${Date.now().toString(36).toUpperCase()}N`;
  let sent = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const url = new URL(req.url || '/', 'http://bridge');
      const apikey = req.headers.apikey || '';
      const answer = (status, json) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      // The OpenAI-compatible side (the server's FRONTDESK_OPENAI_BASE_URL is this server's /v1):
      // voice notes are transcribed; chat answers nothing, so no AI reply is ever sent.
      if (url.pathname === '/v1/audio/transcriptions') {
        return answer(200, { text: 'אני רוצה לקבוע תור למחר בבוקר' });
      }
      if (url.pathname === '/v1/chat/completions') {
        return answer(200, { choices: [{ message: { role: 'assistant', content: '' } }] });
      }
      const file = url.pathname.match(/^\/chat\/getBase64FromMediaMessage\/([^/]+)$/);
      if (file && req.method === 'POST') {
        const found = media.get(body?.message?.key?.id);
        return found ? answer(201, found) : answer(400, { status: 400, error: 'Bad Request' });
      }
      const connect = url.pathname.match(/^\/instance\/connect\/([^/]+)$/);
      if (connect && req.method === 'GET') {
        const number = url.searchParams.get('number');
        return answer(200, {
          base64: `data:image/png;base64,${QR_PNG}`,
          code: '2@e2e',
          pairingCode: number ? 'E2EC-0DE1' : null,
        });
      }
      const state = url.pathname.match(/^\/instance\/connectionState\/([^/]+)$/);
      const send = url.pathname.match(/^\/message\/sendText\/([^/]+)$/);
      const instance = decodeURIComponent((state || send || [])[1] || '');
      requests.push({ method: req.method, path: url.pathname, instance, apikey, body });
      if (apikey !== secret)
        return answer(401, { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
      if (req.method === 'GET' && state) {
        return answer(200, { instance: { instanceName: instance, state: states.get(instance) || 'open' } });
      }
      if (req.method === 'POST' && send) {
        if ((states.get(instance) || 'open') !== 'open')
          return answer(400, { status: 400, error: 'Bad Request', response: { message: 'Connection Closed' } });
        if (!body || typeof body.number !== 'string' || typeof body.text !== 'string')
          return answer(400, { status: 400, error: 'Bad Request' });
        sent++;
        return answer(201, {
          key: { remoteJid: `${body.number}@s.whatsapp.net`, fromMe: true, id: `${idPrefix}${sent}` },
          message: { conversation: body.text },
          status: 'PENDING',
        });
      }
      return answer(404, { status: 404, error: 'Not Found' });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        states,
        requests,
        media,
        close: () =>
          new Promise((r) => {
            server.close(r);
            // The server under test keeps its connections to the bridge alive: end them.
            server.closeAllConnections();
          }),
      }),
    );
  });
}

/**
 * The bridge delivering one inbound WhatsApp message (`messages.upsert`) from
 * `phone` (digits, no +) to the server's webhook, as the real bridge posts it.
 * Returns the server's response.
 */
export function deliverInbound(base, secret, { instance, phone, id, pushName, text, message }) {
  return fetch(`${base}/webhook/baileys`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Webhook-Secret': secret },
    body: JSON.stringify({
      event: 'messages.upsert',
      instance,
      data: {
        key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false, id },
        pushName,
        message: message ?? { conversation: text },
        messageTimestamp: Math.floor(Date.now() / 1000),
      },
    }),
  });
}
