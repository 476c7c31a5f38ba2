import { hasErrorKind } from '@axle/core';
import type { MissingResultsError } from './missing-results-error';
import type { CrossOriginLinkError, PaginationError, PaginationLoopError } from './pagination-error';

// Guards read the marker every axle error carries, so they hold across two copies of the package.
const hasKind = hasErrorKind;

/** Whether `err` is a `PaginationError` (a loop, or a refused origin). @example `if (isPaginationError(err)) err.code;` */
export const isPaginationError = (err: unknown): err is PaginationError => hasKind(err, 'PaginationError');
/** Whether `err` is a `PaginationLoopError`. @example `if (isPaginationLoopError(err)) err.pageIndex;` */
export const isPaginationLoopError = (err: unknown): err is PaginationLoopError => hasKind(err, 'PaginationLoopError');
/** Whether `err` is a `CrossOriginLinkError`. @example `if (isCrossOriginLinkError(err)) err.origin;` */
export const isCrossOriginLinkError = (err: unknown): err is CrossOriginLinkError =>
  hasKind(err, 'CrossOriginLinkError');
/** Whether `err` is a `MissingResultsError`. @example `if (isMissingResultsError(err)) err.path;` */
export const isMissingResultsError = (err: unknown): err is MissingResultsError => hasKind(err, 'MissingResultsError');
