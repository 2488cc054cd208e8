import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/impersonation.mjs';

scenarioTests(scenarios);
