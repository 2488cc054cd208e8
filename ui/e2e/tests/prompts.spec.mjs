import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/prompts.mjs';

scenarioTests(scenarios);
