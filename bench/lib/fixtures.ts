import * as path from 'node:path';

/** The CRIU 4.2 image fixtures, kept next to the repository in shared/ (from dist/bench/lib). */
export const fixturesRoot = path.resolve(__dirname, '../../../..', 'shared/fixtures/criu-4.2');
