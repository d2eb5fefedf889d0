/** `crit validate` and the validation other commands build on. */
export type { Finding, Severity } from './findings';
export { validateCheckpoint, type ValidateOptions } from './validate';
