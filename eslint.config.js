// ESLint (flat config): the recommended rules of ESLint and typescript-eslint over every TypeScript file, and React's
// hooks rules over the renderer. Formatting is Prettier's (npm test runs prettier --check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'test-output/', '.acbench-test/', 'resources/', 'datasets/', '**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (a callback's place-holder argument, a destructured field left out)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // this rule reports where the React Compiler would skip a component; the renderer is not built with the compiler
      // (plain @vitejs/plugin-react), so its useMemo/useCallback stay as written and the report does not apply
      'react-hooks/preserve-manual-memoization': 'off',
    },
  },
  {
    // the functions bench-ui passes to page.evaluate run in the browser page
    files: ['build/bench-ui.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
