import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/i18n.mjs';

scenarioTests(scenarios);
