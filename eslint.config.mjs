// Lint catches what slipped into earlier code: `${}` in plain quotes, and assertions never called
// (`expect(x).toBeDefined;`). Type-aware rules stay off to keep `npm test` fast; `tsc --noEmit` covers types.
import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'cdk.out.*/**', '.tmp/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-template-curly-in-string': 'error',
      '@typescript-eslint/no-unused-expressions': 'error',
      'no-new': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      // vitest's expect takes a message as its second argument.
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
      // aws-cdk-lib's Template assertions throw on mismatch: they are assertions too.
      'vitest/expect-expect': [
        'error',
        { assertFunctionNames: ['expect', '**.hasResource', '**.hasResourceProperties', '**.resourceCountIs', '**.allResourcesProperties'] },
      ],
    },
  },
);
