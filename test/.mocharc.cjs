'use strict';
// End-to-end tests: the shared configuration, with this workspace's test folders.
const shared = require('@mixprec/testing/mocharc');

module.exports = {
  ...shared,
  spec: ['*/**/*.test.ts'],
  ignore: ['node_modules/**', '**/*.conformance.test.ts'],
  timeout: 300000,
};
