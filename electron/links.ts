// Which links may leave the app for the system browser, and which pages may load in its window. Pure functions, so the
// rules are tested without Electron (test/electron).
import { pathToFileURL } from 'node:url';

/** Sites the app's own pages link to (the study, its code, model cards): https only, these hosts exactly. */
export const EXTERNAL_HOSTS = ['arxiv.org', 'github.com', 'huggingface.co', 'openreview.net'];

/** Whether `url` may be opened with shell.openExternal: https, on an allowed host, no credentials in it. */
export function isAllowedExternal(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && !u.username && !u.password && EXTERNAL_HOSTS.includes(u.hostname);
}

/** The file: URL prefix of the renderer folder, with its trailing separator (so dist/renderer-evil/ does not match). */
export function rendererPrefix(rendererDir: string): string {
  const href = pathToFileURL(rendererDir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** Whether a page URL is one of ours: inside the renderer folder, not a sibling whose name starts the same. */
export function isOurPage(url: string, prefix: string): boolean {
  return url.startsWith(prefix);
}
