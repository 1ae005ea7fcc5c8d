/**
 * A URL as Segmark shows it in errors, warnings and notices: origin and path
 * only. The query string and fragment often carry credentials — a signed
 * URL's signature (`X-Amz-Signature`, `sig`, `token`) — and a user name and
 * password in the authority are credentials outright; none of them may reach
 * a message, an event a host logs, or a name made from it. A data: URL is
 * the file itself, so only its media type is shown.
 */
export function displayUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Relative ('/dicom/a.dcm?sig=…') or not a URL: no base to resolve against here, so cut by hand.
  }
  if (parsed?.protocol === 'http:' || parsed?.protocol === 'https:') return `${parsed.origin}${parsed.pathname}`;
  if (parsed?.protocol === 'data:') return `data:${/^data:([^;,]*)/i.exec(url)?.[1] ?? ''}`;
  return url.replace(/[?#][\s\S]*$/, '').replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?)[^/@]*@/i, '$1');
}
