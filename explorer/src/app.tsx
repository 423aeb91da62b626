/**
 * The explorer's shell: header with the search box, the route table, and the embed routes that
 * render without navigation chrome.
 * @module
 */
import { type FormEvent, type ReactNode, Suspense, lazy, useState } from 'react';
import { Link, match, navigate, useLocation } from './router.tsx';
import { Loading, Page } from './components/basics.tsx';
import { Home } from './pages/home.tsx';
// The receipt page is the one people land on from links: in the main chunk, it renders without
// waiting for another chunk (and for React's 300 ms throttle on revealing suspended content).
import Receipt from './pages/receipt.tsx';

const Search = lazy(() => import('./pages/search.tsx'));
const Grant = lazy(() => import('./pages/grant.tsx'));
const Batch = lazy(() => import('./pages/batch.tsx'));
const Round = lazy(() => import('./pages/round.tsx'));
const Era = lazy(() => import('./pages/era.tsx'));
const Cluster = lazy(() => import('./pages/cluster.tsx'));
const Sentinel = lazy(() => import('./pages/sentinel.tsx'));
const Account = lazy(() => import('./pages/account.tsx'));
const Block = lazy(() => import('./pages/block.tsx'));
const EraWidget = lazy(() => import('./pages/embed-era.tsx'));
const VerifyMany = lazy(() => import('./pages/verify-many.tsx'));

type Render = (p: Record<string, string>, query: URLSearchParams) => ReactNode;

/** Path patterns, first match wins. Every page's state lives in its path and query (permalinks). */
const ROUTES: Array<[string, Render]> = [
  ['/', () => <Home />],
  ['/search', (_p, q) => <Search q={q.get('q') ?? ''} />],
  ['/receipt/:id', (p) => <Receipt id={p.id!} />],
  ['/grant/:user/:agent', (p) => <Grant userId={p.user!} agentId={p.agent!} />],
  ['/batch/:id', (p) => <Batch id={p.id!} />],
  ['/round/:cluster/:era', (p) => <Round clusterId={p.cluster!} era={Number(p.era)} />],
  ['/era/:cluster/:era', (p) => <Era clusterId={p.cluster!} era={Number(p.era)} />],
  ['/cluster/:id', (p) => <Cluster id={p.id!} />],
  ['/sentinel', () => <Sentinel />],
  ['/verify', (_p, q) => <VerifyMany query={q} />],
  ['/account/:id', (p) => <Account id={p.id!} />],
  ['/block/:height', (p) => <Block height={Number(p.height)} />],
];

const EMBEDS: Array<[string, Render]> = [
  ['/embed/era/:cluster/:era', (p) => <EraWidget clusterId={p.cluster!} era={Number(p.era)} />],
];

function route(
  table: Array<[string, Render]>,
  path: string,
  query: URLSearchParams
): ReactNode | null {
  for (const [pattern, render] of table) {
    const params = match(pattern, path === '' ? '/' : path);
    if (params) return render(params, query);
  }
  return null;
}

function SearchBox() {
  const [q, setQ] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    if (text) navigate(`/search?q=${encodeURIComponent(text)}`);
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="q" className="sr-only">
        Search by record id, hash, account, block or era
      </label>
      <input
        id="q"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Record id, hash, account (SS58 or hex), block or era"
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit">Search</button>
    </form>
  );
}

function NotFound(props: { path: string }) {
  return (
    <Page title="Page not found">
      <p>
        Nothing lives at <code>{props.path}</code>. Try the search box, or go to the{' '}
        <Link to="/">home page</Link>.
      </p>
    </Page>
  );
}

export function App() {
  const { path, query } = useLocation();
  const embed = route(EMBEDS, path, query);
  if (embed) {
    return (
      <main className="embed">
        <Suspense fallback={<Loading />}>{embed}</Suspense>
      </main>
    );
  }
  const page = route(ROUTES, path, query) ?? <NotFound path={path} />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand" aria-label="Proof Room home">
          <span aria-hidden="true">▣</span> Proof Room
        </Link>
        <SearchBox />
        <nav aria-label="Main">
          <Link to="/">Home</Link>
          <Link to="/sentinel">Sentinel</Link>
          <a href="/graphql">API</a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </main>
      <footer className="foot">
        Every verdict here can be re-checked: receipts carry a “Verify in my browser” button, and{' '}
        <code>proofroom verify</code> checks a downloaded bundle offline.
      </footer>
    </>
  );
}
