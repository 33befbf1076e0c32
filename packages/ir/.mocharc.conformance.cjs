'use strict';
// Slow exhaustive checks of @mixprec/ir (all 2^32 float32 patterns through the narrowing
// kernels). Run: npm run conformance --workspace packages/ir
module.exports = {
  ...require('@mixprec/testing/mocharc'),
  spec: ['test/**/*.conformance.ts'],
  timeout: 3600000,
};
