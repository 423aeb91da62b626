/**
 * Serves the built explorer (explorer/dist) from the API process: hashed assets with long-lived
 * caching, every other page path answered with index.html (the explorer routes in the browser),
 * and security headers. Pages may not be framed, except the embed routes (`/embed/...`), which are
 * made for iframes.
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { restError } from './errors.ts';

/** Paths that belong to the API; never answered with the explorer's page. */
const API_PREFIXES = ['/graphql', '/v1/', '/metrics', '/healthz'];

/**
 * `connectAnyNode`: the pages may also connect to any http(s)/ws(s) origin, so that "Check
 * against my node" can ask the node the user names (scripts stay `'self'` only).
 */
function csp(frameAncestors: string, connectAnyNode = false): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // recharts and React set style attributes; no script is inline.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    connectAnyNode ? "connect-src 'self' http: https: ws: wss:" : "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

export interface ExplorerOptions {
  /** The built explorer (index.html and assets/). */
  readonly dir: string;
  /** Who may frame the embed routes: CSP `frame-ancestors` sources (default `*`). */
  readonly embedAncestors: string;
}

/** Whether the directory holds a built explorer. */
export function explorerBuilt(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}

export function explorerRouter(opts: ExplorerOptions): Router {
  const router = express.Router();
  const indexFile = path.join(opts.dir, 'index.html');
  // Re-read when the file changes (a rebuild while the server runs names new asset files).
  let index: { html: string; mtimeMs: number } | null = null;
  const page = (): string | null => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(indexFile).mtimeMs;
    } catch {
      return null;
    }
    if (index?.mtimeMs !== mtimeMs) index = { html: readFileSync(indexFile, 'utf8'), mtimeMs };
    return index.html;
  };
  const pageCsp = csp("'none'", true);
  const embedCsp = csp(opts.embedAncestors);

  router.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.path.startsWith('/embed/')) {
      res.setHeader('Content-Security-Policy', embedCsp);
    } else {
      res.setHeader('Content-Security-Policy', pageCsp);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    next();
  });

  router.use(
    '/assets',
    express.static(path.join(opts.dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    })
  );

  router.get(/.*/, (req: Request, res: Response, next) => {
    if (API_PREFIXES.some((p) => req.path === p.replace(/\/$/, '') || req.path.startsWith(p)))
      return next();
    // Pages are for browsers navigating (Accept: text/html); any other client asking for an
    // unknown path gets the API's JSON 404.
    if (!(req.headers.accept ?? '').includes('text/html')) return next();
    const html = page();
    if (html === null) {
      res
        .status(503)
        .json(
          restError(
            'UNAVAILABLE',
            'the explorer is not built: run `npm run build:explorer` (proofroom serve builds it at start)'
          )
        );
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  });
  return router;
}
