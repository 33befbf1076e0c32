'use strict';
// Conformance suite of the tfjs executor: the ONNX node-test sweep, real models and
// single-op models against onnxruntime-node. Run: npm run conformance --workspace test
module.exports = {
  ...require('@mixprec/testing/mocharc'),
  spec: ['conformance/**/*.test.ts'],
  timeout: 600000,
};
