/** Tests run through swc (no type check); `npm run typecheck` is the type check. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // The examples import the library by its package name, as a user's app does.
  moduleNameMapper: { '^cdktf-erp-constructs$': '<rootDir>/lib/index.ts' },
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.js'],
  testTimeout: 60000,
};
