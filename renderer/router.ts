// Hash routes ("#/results/run-123"), which work the same from file:// and http://.
import { useEffect, useState } from 'react';

export type PageId = 'new' | 'runs' | 'results' | 'history' | 'settings';
export interface Route {
  page: PageId;
  /** path segments after the page ("results/paper/x" → ["paper", "x"]) */
  args: string[];
}

const PAGES: PageId[] = ['new', 'runs', 'results', 'history', 'settings'];

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const page = PAGES.includes(parts[0] as PageId) ? (parts[0] as PageId) : 'new';
  return { page, args: page === parts[0] ? parts.slice(1) : [] };
}

export const href = (page: PageId, ...args: string[]): string => `#/${[page, ...args.map(encodeURIComponent)].join('/')}`;

export function navigate(page: PageId, ...args: string[]): void {
  location.hash = href(page, ...args);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
