import { normaliseOptionName, suggestOption } from '@axle/core';

describe('suggestOption', () => {
  const known = ['baseURL', 'maxRedirects', 'timeout'];

  it.each([
    ['baseUrl', 'baseURL'],
    ['max_redirects', 'maxRedirects'],
    ['MAX-REDIRECTS', 'maxRedirects'],
    ['timout', undefined],
    ['whatever', undefined],
  ])('%s → %p', (key, expected) => {
    expect(suggestOption(key, known)).toBe(expected);
  });

  it('follows aliases, but only to names that exist', () => {
    const aliases = new Map([
      ['redirects', 'maxRedirects'],
      ['gone', 'removedOption'],
    ]);
    expect(suggestOption('redirects', known, aliases)).toBe('maxRedirects');
    expect(suggestOption('gone', known, aliases)).toBeUndefined();
  });

  it('normalises to lower-case letters and digits', () => {
    expect(normaliseOptionName('Max_Redirects-2')).toBe('maxredirects2');
  });
});

describe('typos in nested options get the same help', () => {
  it('retry and timeout keys', async () => {
    const { createClient } = await import('@axle/core');
    expect(() => createClient({ retry: { max_delay: 5 } as never })).toThrow('(did you mean retry.maxDelay?)');
    expect(() => createClient({ timeout: { Connect: 5 } as never })).toThrow('(did you mean timeout.connect?)');
  });
});
