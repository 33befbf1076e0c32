/**
 * @mixprec/testing: test helpers shared by the packages (only ever a devDependency):
 * the golden-file runner, seeded random data, a numeric comparer, a text diff, the real-model
 * corpus, the ONNX backend test data and the checks every policy package shares.
 * The mocha reporter and shared config are `@mixprec/testing/reporter` and `/mocharc`.
 */
export {
  GoldenMismatchError, checkGoldenCase, loadGoldenCases, renderOutcome, runGoldenCase, runGoldenDir,
  type GoldenCase, type GoldenOptions, type GoldenOutcome,
} from './golden.js';
export { mulberry32, randomFeeds, randomInt, randomNormal, randomTensor, type RandomTensorOptions } from './random.js';
export { compareTensors, defaultTolerance, type Tolerance } from './numeric.js';
export { lineDiff } from './text-diff.js';
export { REAL_MODELS, packageAsset, realModelFeeds, realModelPath, type RealModel } from './real-models.js';
export { TESTDATA_DIR, testDataCases, testDataModels } from './test-data.js';
export { audioTensor, overflowModel, spectrumModel } from './planted-models.js';
export {
  describePolicyPackage, type PolicyApi, type PolicyCheckContext, type PolicyPackageSpec, type Result, type TestedDecision,
  type TestedPolicy,
} from './policy-package.js';
