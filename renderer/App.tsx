// The application shell: navigation and the current page.
import { useEffect, useRef } from 'react';
import { HistoryPage } from './pages/History.js';
import { NewExperimentPage } from './pages/NewExperiment.js';
import { ResultsPage } from './pages/Results.js';
import { RunsPage } from './pages/Runs.js';
import { SettingsPage } from './pages/Settings.js';
import { href, useRoute, type PageId } from './router.js';
import { StudioProvider, useStudio } from './state.js';
import { loadPlotly } from './components/Plot.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';

const NAV: { page: PageId; label: string }[] = [
  { page: 'new', label: 'New experiment' },
  { page: 'runs', label: 'Runs' },
  { page: 'results', label: 'Results' },
  { page: 'history', label: 'History' },
  { page: 'settings', label: 'Settings' },
];

function ActiveRuns() {
  const { progress } = useStudio();
  const active = [...progress.values()].filter((p) => p.status === 'running' || p.status === 'queued');
  if (!active.length) return null;
  return (
    <p className="nav-active small" aria-live="polite">
      {active.length} run{active.length === 1 ? '' : 's'} in progress
    </p>
  );
}

function Shell() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    // Plotly is the largest module (≈1.5 MB, cartesian bundle): parse it while the user is on another page, so the first dashboard draws at once
    // …or at once when the app opens straight onto a dashboard, in parallel with its data
    const timer = setTimeout(() => void loadPlotly().catch(() => {}), location.hash.startsWith('#/results') ? 0 : 1500);
    return () => clearTimeout(timer);
  }, []);
  useEffect(() => {
    // Move focus to the page heading on navigation, for keyboard and screen-reader users.
    const h1 = main.current?.querySelector<HTMLElement>('h1');
    if (h1 && document.activeElement !== document.body) {
      h1.tabIndex = -1;
      h1.focus();
    }
    const label = NAV.find((n) => n.page === route.page)?.label;
    document.title = `${label} · ACBench Studio`;
  }, [route.page]);
  return (
    <div className="app">
      <a
        href="#main"
        className="skip-link"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <nav className="sidebar no-print" aria-label="Main">
        {/* the dark column spans the whole page; its links stay in view while the page scrolls */}
        <div className="sidebar-inner">
          <div className="brand">ACBench Studio</div>
          <ul>
            {NAV.map((n) => (
              <li key={n.page}>
                <a href={href(n.page)} aria-current={route.page === n.page ? 'page' : undefined} data-testid={`nav-${n.page}`}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
          <ActiveRuns />
        </div>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {/* one boundary per page, new on each route: a failing page leaves the navigation working */}
        <ErrorBoundary key={[route.page, ...route.args].join('/')} what={`The ${NAV.find((n) => n.page === route.page)?.label ?? route.page} page`}>
          {route.page === 'new' ? <NewExperimentPage /> : null}
          {route.page === 'runs' ? <RunsPage args={route.args} /> : null}
          {route.page === 'results' ? <ResultsPage args={route.args} /> : null}
          {route.page === 'history' ? <HistoryPage /> : null}
          {route.page === 'settings' ? <SettingsPage /> : null}
        </ErrorBoundary>
      </main>
    </div>
  );
}

export function App() {
  return (
    <StudioProvider>
      <Shell />
    </StudioProvider>
  );
}
