import type { MissingResultsError } from './missing-results-error';
import type { CrossOriginLinkError, PaginationError, PaginationLoopError } from './pagination-error';

// The marker every axle error carries (set by `ClientError`'s constructor): guards read it so they
// hold across two copies of the package, where `instanceof` would not.
const ERROR_KINDS = Symbol.for('axle.error.kinds');

function hasKind(value: unknown, kind: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  const kinds = (value as { [ERROR_KINDS]?: unknown })[ERROR_KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}

/** Whether `err` is a `PaginationError` (a loop, or a refused origin). @example `if (isPaginationError(err)) err.code;` */
export const isPaginationError = (err: unknown): err is PaginationError => hasKind(err, 'PaginationError');
/** Whether `err` is a `PaginationLoopError`. @example `if (isPaginationLoopError(err)) err.pageIndex;` */
export const isPaginationLoopError = (err: unknown): err is PaginationLoopError => hasKind(err, 'PaginationLoopError');
/** Whether `err` is a `CrossOriginLinkError`. @example `if (isCrossOriginLinkError(err)) err.origin;` */
export const isCrossOriginLinkError = (err: unknown): err is CrossOriginLinkError =>
  hasKind(err, 'CrossOriginLinkError');
/** Whether `err` is a `MissingResultsError`. @example `if (isMissingResultsError(err)) err.path;` */
export const isMissingResultsError = (err: unknown): err is MissingResultsError => hasKind(err, 'MissingResultsError');
