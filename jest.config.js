/** Tests run through Babel (types stripped, not checked); `npm run typecheck` is the type check. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': 'babel-jest' },
  // The examples import the library by its package name, as a user's app does.
  moduleNameMapper: {
    '^cdktf-erp-constructs$': '<rootDir>/lib/index.ts',
    '^cdktf-erp-constructs/tiers$': '<rootDir>/stacks/index.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.js'],
  testTimeout: 60000,
};
