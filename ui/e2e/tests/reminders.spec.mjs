import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/reminders.mjs';

scenarioTests(scenarios);
