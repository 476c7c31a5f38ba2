// Type expectations, checked by `tsc --noEmit` (npm run typecheck), not run by Jest.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import { type AxleInstance, createClient } from '@axle/core';
import {
  CursorPagination,
  type Page,
  type PaginateMethod,
  type PaginationStrategy,
  type Paginator,
  paginate,
  pagination,
} from '@axle/pagination';
import { expectTypeOf } from 'expect-type';
import { z } from 'zod';

const api = createClient({ baseURL: 'https://api.example.com', plugins: [pagination({ maxPages: 10 })] });
const User = z.object({ id: z.number(), name: z.string().transform((s) => s.length) });
interface Item {
  id: number;
}

// A schema types the items with its output.
expectTypeOf(paginate(api, '/users', { strategy: 'link', schema: User })).toEqualTypeOf<
  Paginator<{ id: number; name: number }>
>();
expectTypeOf(paginate(api, '/users', { schema: User, strategy: new CursorPagination() })).toEqualTypeOf<
  Paginator<{ id: number; name: number }>
>();
// Anything with safeParse will do.
const evens = {
  safeParse: (v: unknown) =>
    typeof v === 'number'
      ? ({ success: true, data: v } as const)
      : ({ success: false, error: { issues: [] } } as const),
};
expectTypeOf(paginate(api, '/n', { schema: evens })).toEqualTypeOf<Paginator<number>>();

// A typed strategy types them too, given directly or in the options.
const custom: PaginationStrategy<Item> = { getNextRequest: () => null, extractItems: () => [] };
expectTypeOf(paginate(api, '/items', custom)).toEqualTypeOf<Paginator<Item>>();
expectTypeOf(paginate(api, '/items', { strategy: custom, maxPages: 3 })).toEqualTypeOf<Paginator<Item>>();
expectTypeOf(paginate(api, '/items', new CursorPagination<Item>({ cursorPath: 'meta.next' }))).toEqualTypeOf<
  Paginator<Item>
>();
// Otherwise the type is stated, as with axios's get<T>(), or unknown.
expectTypeOf(paginate<Item>(api, '/items', new CursorPagination())).toEqualTypeOf<Paginator<Item>>();
expectTypeOf(paginate<Item>(api, '/items', { strategy: 'page', perPage: 5 })).toEqualTypeOf<Paginator<Item>>();
expectTypeOf(paginate(api, '/items')).toEqualTypeOf<Paginator<unknown>>();

// The paginator: items, pages, counters.
const pager = paginate(api, '/users', { schema: User });
async function use(): Promise<void> {
  for await (const user of pager) expectTypeOf(user.name).toEqualTypeOf<number>();
  for await (const page of pager.pages()) {
    expectTypeOf(page).toEqualTypeOf<Page<{ id: number; name: number }>>();
    expectTypeOf(page.items).toEqualTypeOf<readonly { id: number; name: number }[]>();
  }
  expectTypeOf(await pager.toArray()).toEqualTypeOf<{ id: number; name: number }[]>();
}
void use;
expectTypeOf(pager.totalCount).toEqualTypeOf<number | undefined>();
expectTypeOf(pager.pagesFetched).toEqualTypeOf<number>();

// client.paginate comes from module augmentation of AxleInstance.
expectTypeOf<AxleInstance['paginate']>().toEqualTypeOf<PaginateMethod>();
expectTypeOf(api.paginate('/users', { schema: User })).toEqualTypeOf<Paginator<{ id: number; name: number }>>();
expectTypeOf(api.paginate('/items', custom)).toEqualTypeOf<Paginator<Item>>();
expectTypeOf(api.paginate<Item>('/items', { strategy: 'cursor' })).toEqualTypeOf<Paginator<Item>>();

// Options are checked per strategy.
// @ts-expect-error not a strategy name
paginate(api, '/x', { strategy: 'offest' });
// @ts-expect-error `maxpages` is not an option
paginate(api, '/x', { maxpages: 3 });
// @ts-expect-error cursorPath is not an option of the link strategy
paginate(api, '/x', { strategy: 'link', cursorPath: 'meta.next' });
// @ts-expect-error a schema needs safeParse
paginate(api, '/x', { schema: { parse: () => 1 } });
// @ts-expect-error maxPages is a number
paginate(api, '/x', { maxPages: '3' });
