import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/dashboard.mjs';

scenarioTests(scenarios);
