/**
 * Setup file of every test file (vitest.config.mts): once the file's tests have run, the output directories of the
 * CDK apps it synthesized are removed. Left behind, a full run would leave gigabytes in the temporary directory
 * (the kubectl layer asset alone is 37 MB per stage with a cluster).
 */
import { afterAll } from 'vitest';
import { removeOutdirs } from './outdirs';

afterAll(() => removeOutdirs());
