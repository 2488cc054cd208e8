import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/leads.mjs';

scenarioTests(scenarios);
