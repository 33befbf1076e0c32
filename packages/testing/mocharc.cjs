'use strict';
// Shared mocha configuration: TypeScript tests run through tsx, results summarised by our reporter.
module.exports = {
  'node-option': ['import=tsx'],
  spec: ['test/**/*.test.ts'],
  reporter: require.resolve('./reporter.cjs'),
  timeout: 60000,
};
