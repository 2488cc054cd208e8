import { scenarioTests } from '../fixtures.mjs';
import { scenarios as chat } from '../scenarios/chat.mjs';
import { scenarios as media } from '../scenarios/media.mjs';
import { scenarios as pwa } from '../scenarios/pwa.mjs';
import { scenarios } from '../scenarios/whatsapp.mjs';

// Every test that needs the fake bridge (one port) and changes business #1's
// WhatsApp instance, in one file: one worker, in order.
scenarioTests([...scenarios, ...chat, ...media, ...pwa.filter((s) => s.needsBridge)]);
