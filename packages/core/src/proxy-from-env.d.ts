// proxy-from-env 2.1 ships no types; this is the one function axle uses.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from HTTP_PROXY/HTTPS_PROXY/ALL_PROXY and NO_PROXY, or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
