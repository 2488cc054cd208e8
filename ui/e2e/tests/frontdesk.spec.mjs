import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/frontdesk.mjs';

scenarioTests(scenarios);
