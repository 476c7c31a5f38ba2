/**
 * `@axle/pagination`: every common pagination style (offset, page, cursor, Link header, custom)
 * as async iterators over an axle client. Every export is named here.
 */
export type { PaginateMethod } from './augment';
export type { BasePaginationOptions } from './base-pagination';
export type { CursorPaginationOptions } from './cursor-pagination';
export { CursorPagination } from './cursor-pagination';
export {
  isCrossOriginLinkError,
  isMissingResultsError,
  isPaginationError,
  isPaginationLoopError,
} from './guards';
export type { ItemSchema, SafeParseResult, SchemaIssue } from './item-schema';
export type { LinkValue } from './link-header';
export { findLink, parseLinkHeader } from './link-header';
export type { LinkHeaderPaginationOptions } from './link-header-pagination';
export { LinkHeaderPagination } from './link-header-pagination';
export type { MissingResultsErrorOptions } from './missing-results-error';
export { MissingResultsError } from './missing-results-error';
export type { OffsetLimitPaginationOptions } from './offset-limit-pagination';
export { OffsetLimitPagination } from './offset-limit-pagination';
export type {
  PaginateCommonOptions,
  PaginateOptions,
  PaginateSchemaOptions,
  ResolvedPaginateOptions,
  StrategyName,
  StrategySelection,
} from './options';
export { isPaginationStrategy, resolvePaginateOptions, STRATEGY_NAMES } from './options';
export type { PageNumberPaginationOptions } from './page-number-pagination';
export { PageNumberPagination } from './page-number-pagination';
export { paginate } from './paginate';
export type { PaginationDefaults, PaginationPlugin } from './pagination';
export { pagination } from './pagination';
export type { CrossOriginLinkErrorOptions, PaginationLoopErrorOptions } from './pagination-error';
export { CrossOriginLinkError, PaginationError, PaginationLoopError } from './pagination-error';
export type { Page, Paginator } from './paginator';
export type { FirstPage, NextRequest, PageContext, PageParams, PagePlan, PaginationStrategy } from './strategy';
