// Timing-based scaling tests (noisy on shared machines): `npm run test:scale`.
module.exports = { ...require("@mixprec/testing/mocharc"), spec: ['test/**/*.scale.ts'] };
