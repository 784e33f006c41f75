import fc from 'fast-check';

/**
 * A fixed seed by default, so CI is reproducible; `FC_SEED=random FC_RUNS=20000` (as in
 * `npm run test:properties:long`) explores new cases. A failure prints its seed and path.
 */
const seedSetting = process.env.FC_SEED;
export const seed = seedSetting === 'random' ? Date.now() : Number(seedSetting ?? 20261123);
export const numRuns = Number(process.env.FC_RUNS ?? 300);

fc.configureGlobal({ seed, numRuns, endOnFailure: true });

export { fc };
