import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/csrf.mjs';

scenarioTests(scenarios);
