/**
 * Numeric distributions shared by the experiment and drift statistics. Each is
 * checked against scipy in ../../reference/distributions.json.
 */
export { DistributionInputError } from './errors.js';
export { logGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';
export { regularizedBeta } from './beta.js';
export { normalCdf, normalSf, normalPdf, normalQuantile } from './normal.js';
export { studentTCdf, studentTSf, studentTQuantile } from './student-t.js';
export { chiSquareCdf, chiSquareSf } from './chi-square.js';
export { noncentralTCdf, noncentralTSf, type NoncentralTOptions } from './noncentral-t.js';
export { findRoot, type RootOptions } from './root.js';
