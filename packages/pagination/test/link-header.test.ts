import { findLink, parseLinkHeader } from '@axle/pagination';

const base = 'https://api.example.com/v1/items?page=2';

describe('parseLinkHeader (RFC 8288)', () => {
  it('several links in one header, several relation types in one rel', () => {
    const links = parseLinkHeader('</v1/items?page=3>; rel="next last", </v1/items?page=1>; rel=prev', base);
    expect(links).toEqual([
      {
        uri: '/v1/items?page=3',
        url: 'https://api.example.com/v1/items?page=3',
        rel: ['next', 'last'],
        params: { rel: 'next last' },
      },
      {
        uri: '/v1/items?page=1',
        url: 'https://api.example.com/v1/items?page=1',
        rel: ['prev'],
        params: { rel: 'prev' },
      },
    ]);
    expect(findLink(links, 'last')?.uri).toBe('/v1/items?page=3');
    expect(findLink(links, 'NEXT')?.uri).toBe('/v1/items?page=3');
    expect(findLink(links, 'first')).toBeUndefined();
  });

  it('commas and semicolons inside quoted strings and inside <...> do not split', () => {
    const links = parseLinkHeader(
      '<https://x.example/a?ids=1,2;3>; title="one, two; three"; rel="next", <b>; rel="prev"',
      base,
    );
    expect(links.map((l) => l.url)).toEqual(['https://x.example/a?ids=1,2;3', 'https://api.example.com/v1/b']);
    expect(links[0]?.params.title).toBe('one, two; three');
    expect(links[0]?.rel).toEqual(['next']);
  });

  it('quoted and unquoted values, escapes, odd spacing and case, first rel wins', () => {
    const links = parseLinkHeader(
      '  <p3>  ;REL = Next ;  Title="say \\"hi\\"" ; rel="prev"  ;  crossorigin ; type=text/html',
      base,
    );
    expect(links).toHaveLength(1);
    expect(links[0]?.rel).toEqual(['next']);
    expect(links[0]?.params).toEqual({ rel: 'Next', title: 'say "hi"', crossorigin: '', type: 'text/html' });
  });

  it('relative references resolve against the request URL (path-relative, absolute-path, query-only, scheme-relative)', () => {
    const links = parseLinkHeader(
      '<?page=3>; rel=a, <../v2/x>; rel=b, <//cdn.example.com/x>; rel=c, <p4>; rel=d',
      base,
    );
    expect(links.map((l) => l.url)).toEqual([
      'https://api.example.com/v1/items?page=3',
      'https://api.example.com/v2/x',
      'https://cdn.example.com/x',
      'https://api.example.com/v1/p4',
    ]);
    expect(parseLinkHeader('<relative>; rel=next')[0]?.url).toBeUndefined();
  });

  it('several header lines, RFC 8187 title*, extension relation types keep their case', () => {
    const links = parseLinkHeader(
      ["</a>; rel=next; title*=UTF-8'de'n%C3%A4chstes", '</b>; rel="https://example.com/Rels/Other prev"'],
      base,
    );
    expect(links[0]?.params['title*']).toBe('nächstes');
    expect(links[1]?.rel).toEqual(['https://example.com/Rels/Other', 'prev']);
    expect(parseLinkHeader("</c>; title*=ISO-8859-1'en'%A3", base)[0]?.params['title*']).toBe("ISO-8859-1'en'%A3");
    expect(parseLinkHeader("</c>; title*=UTF-8''%E0%A4%A", base)[0]?.params['title*']).toBe("UTF-8''%E0%A4%A");
    expect(parseLinkHeader('</c>; title*=plain', base)[0]?.params['title*']).toBe('plain');
  });

  it('skips malformed links and keeps the good ones; never throws', () => {
    const links = parseLinkHeader(
      'garbage, "quoted, <x>", <good>; rel=next, <bad> junk; rel=prev, <also>; rel=last',
      base,
    );
    expect(links.map((l) => l.uri)).toEqual(['good', 'also']);
    expect(parseLinkHeader('<unterminated; rel=next', base)).toEqual([]);
    expect(parseLinkHeader('', base)).toEqual([]);
    expect(parseLinkHeader(undefined, base)).toEqual([]);
    expect(parseLinkHeader(',,, ,', base)).toEqual([]);
    expect(parseLinkHeader('<a>; rel="next', base)[0]?.rel).toEqual(['next']);
    expect(parseLinkHeader('<a>; =x; rel=next', base)[0]?.params).toEqual({ rel: 'next' });
  });
});
