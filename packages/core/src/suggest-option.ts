/**
 * The known option a mistyped key most likely meant: one that differs only in case or separators
 * (`baseUrl` → `baseURL`, `max_pages` → `maxPages`), or the target of an alias (the
 * specification's Python names, keyed by their normalised form). `undefined` when none fits.
 * Core and every plugin use it, so a typo gets the same help wherever it is made.
 *
 * @param key - the key the caller wrote.
 * @param known - the option names that exist.
 * @param aliases - other spellings, normalised (lower case, letters and digits only), to known names. Default: none.
 * @example
 * ```ts
 * suggestOption('max_redirects', ['maxRedirects', 'timeout']); // 'maxRedirects'
 * ```
 */
export function suggestOption(
  key: string,
  known: readonly string[],
  aliases?: ReadonlyMap<string, string>,
): string | undefined {
  const wanted = normaliseOptionName(key);
  const near = known.find((candidate) => normaliseOptionName(candidate) === wanted) ?? aliases?.get(wanted);
  return near !== undefined && known.includes(near) ? near : undefined;
}

/** An option name in lower case with only letters and digits, as `suggestOption` compares them. */
export function normaliseOptionName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}
