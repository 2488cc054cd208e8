import { scenarioTests } from '../fixtures.mjs';
import { scenarios } from '../scenarios/auth.mjs';

scenarioTests(scenarios, { signedIn: false });
