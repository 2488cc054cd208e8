import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/layout.mjs';

scenarioTests(scenarios);
