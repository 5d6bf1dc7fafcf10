/**
 * Cloudflare Rules language (the wirefilter syntax of rulesets) built from typed values, so a path or a cookie name
 * is quoted in one place. developers.cloudflare.com/ruleset-engine/rules-language
 */

/** A string literal of the Rules language: double-quoted, with `"` and `\` escaped. */
export function literal(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Requests whose path starts with any of `prefixes`. */
export function pathStartsWith(prefixes: readonly string[]): string {
  const terms = prefixes.map((p) => `starts_with(http.request.uri.path, ${literal(p)})`);
  return terms.length === 1 ? terms[0] : `(${terms.join(' or ')})`;
}

/** GET and HEAD: the only methods whose answers an edge may serve from its cache. */
export const READ_METHODS = '(http.request.method in {"GET" "HEAD"})';

/** Requests that carry an `Authorization` header, in any letter case (`http.request.headers.names` keeps the client's). */
export const HAS_AUTHORIZATION = 'any(lower(http.request.headers.names[*])[*] == "authorization")';

/** Requests that carry cookie `name` (`http.cookie` is the raw Cookie header; a look-alike name errs towards a match). */
export function hasCookie(name: string): string {
  return `(http.cookie contains ${literal(`${name}=`)})`;
}
