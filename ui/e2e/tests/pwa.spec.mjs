import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/pwa.mjs';

// inbox-live needs the fake bridge: it runs with the WhatsApp tests (whatsapp.spec.mjs).
scenarioTests(scenarios.filter((s) => !s.needsBridge));
