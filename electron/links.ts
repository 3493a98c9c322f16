// Which pages may load in the app's window. Pure functions, so the rule is tested without Electron (test/electron).
import { pathToFileURL } from 'node:url';

/** The file: URL prefix of the renderer folder, with its trailing separator (so dist/renderer-evil/ does not match). */
export function rendererPrefix(rendererDir: string): string {
  const href = pathToFileURL(rendererDir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** Whether a page URL is one of ours: inside the renderer folder, not a sibling whose name starts the same. */
export function isOurPage(url: string, prefix: string): boolean {
  return url.startsWith(prefix);
}
