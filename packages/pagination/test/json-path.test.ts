import { ConfigurationError } from '@axle/core';
import { parseJsonPath, readJsonPath } from '../src/json-path';

const read = (value: unknown, path: string) => readJsonPath(value, parseJsonPath(path, 'resultsKey'));

describe('dotted JSON paths', () => {
  const body = {
    data: { items: [{ id: 1 }, { id: 2 }], total: 2 },
    meta: { next_cursor: 'abc', 'odd.key': { v: 1 } },
    results: [{ rows: [10, 20] }],
    '0': 'zero',
  };

  it('reads keys, nested keys, array indexes in either spelling, negative indexes and quoted keys', () => {
    expect(read(body, 'data.items')).toEqual({ found: true, value: body.data.items });
    expect(read(body, 'meta.next_cursor')).toEqual({ found: true, value: 'abc' });
    expect(read(body, 'results[0].rows')).toEqual({ found: true, value: [10, 20] });
    expect(read(body, 'results.0.rows[1]')).toEqual({ found: true, value: 20 });
    expect(read(body, 'data.items[-1].id')).toEqual({ found: true, value: 2 });
    expect(read(body, 'meta["odd.key"].v')).toEqual({ found: true, value: 1 });
    expect(read(body, "meta['odd.key']")).toEqual({ found: true, value: { v: 1 } });
    expect(read(body, '0')).toEqual({ found: true, value: 'zero' });
    expect(read([[1, 2]], '[0][1]')).toEqual({ found: true, value: 2 });
  });

  it('reports missing segments: absent keys, out-of-range indexes, steps into non-objects, undefined', () => {
    expect(read(body, 'data.nope')).toEqual({ found: false });
    expect(read(body, 'data.items[5]')).toEqual({ found: false });
    expect(read(body, 'data.items[-3]')).toEqual({ found: false });
    expect(read(body, 'meta.next_cursor.length')).toEqual({ found: false });
    expect(read(null, 'data')).toEqual({ found: false });
    expect(read({ a: undefined }, 'a')).toEqual({ found: false });
    expect(read({ toString: 1 }, 'constructor')).toEqual({ found: false });
  });

  it('rejects bad syntax with a ConfigurationError naming the option', () => {
    for (const bad of ['', '  ', 'a.', 'a..b', 'a[0', 'a[x]', '.a', 'a[0].']) {
      expect(() => parseJsonPath(bad, 'cursorPath')).toThrow(ConfigurationError);
    }
    expect(() => parseJsonPath(42 as unknown as string, 'totalKey')).toThrow(
      expect.objectContaining({ option: 'totalKey' }),
    );
    expect(() => parseJsonPath('a[x]', 'cursorPath')).toThrow(
      /"\[x\]" in "a\[x\]" is neither an index nor a quoted key/,
    );
  });
});
