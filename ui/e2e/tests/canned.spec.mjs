import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/canned.mjs';

scenarioTests(scenarios);
