import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Import boundaries (bulletproof-react's one-way layering): shared code
// (lib, components, hooks, config, types, i18n) <- features <- app. A feature
// never imports another feature or the app: what two features share moves to
// src/lib, src/components or src/types, and src/app composes features, passing
// data down as props. One block per feature folder, so "another feature" can
// be spelled out; relative imports must stay inside their feature.
const FEATURES = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const noAppImport = {
  regex: '^@/app(/|$)',
  message: 'Only src/app imports src/app: pass what you need down as props, or move it to src/lib.',
};
const noFeatureImport = (except) => ({
  regex: except ? `^@/features/(?!${except}(/|$))` : '^@/features(/|$)',
  message: except
    ? `A feature may not import another feature: move shared code to src/lib, src/components or src/types, or compose the two in src/app.`
    : 'Shared code may not import a feature: move the piece it needs here, or compose in src/app.',
});
/** Relative imports from files `depth` folders below src/features/<x>/ leave the feature with depth + 1 "../". */
const leavesFeature = (depth) => ({
  regex: `^(\\.\\./){${depth + 1},}`,
  message: 'Relative imports stay inside the feature folder: reach anything else through the @/ alias.',
});
const featureRules = (feature, depth) => ({
  'no-restricted-imports': ['error', { patterns: [noFeatureImport(feature), noAppImport, leavesFeature(depth)] }],
});
const boundaries = [
  // Files in src/features/<x>/{api,components}/ (deeper files must use @/features/<x>/... to go up two levels).
  ...FEATURES.map((feature) => ({
    files: [`src/features/${feature}/**/*.{ts,tsx}`],
    rules: featureRules(feature, 1),
  })),
  // Files directly in src/features/<x>/.
  ...FEATURES.map((feature) => ({
    files: [`src/features/${feature}/*.{ts,tsx}`],
    rules: featureRules(feature, 0),
  })),
  {
    files: ['src/{lib,components,hooks,config,types,i18n}/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noFeatureImport(null), noAppImport] }] },
  },
];

export default tseslint.config(
  // Playwright writes and removes its result folders while lint runs beside it.
  { ignores: ['dist', 'node_modules', 'e2e-artifacts', 'test-results', 'playwright-report'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // One HTTP client: only src/lib/api-client.ts may call fetch.
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Use src/lib/api-client.ts' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='window'][callee.property.name='fetch']",
          message: 'Use src/lib/api-client.ts',
        },
      ],
    },
  },
  ...boundaries,
  {
    files: ['src/lib/api-client.ts', 'src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: { 'no-restricted-globals': 'off' },
  },
  {
    files: ['e2e/**/*.mjs', 'build/**', 'vite.config.ts', 'eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
);
