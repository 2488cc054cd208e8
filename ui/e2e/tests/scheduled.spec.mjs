import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/scheduled.mjs';

scenarioTests(scenarios);
