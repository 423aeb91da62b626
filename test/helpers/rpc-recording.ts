/**
 * Recorded JSON-RPC answers, for a rehearsal of the indexer against a chain it cannot reach: a
 * recording proxy forwards HTTP JSON-RPC (single and batch requests) to a node and keeps each
 * answer by method and parameters; a replaying server then answers only from the recording, and
 * a request that was never recorded gets an error (and is listed in `misses`), so a run through
 * it proves the client needs nothing but those answers.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface RpcRequest {
  readonly jsonrpc?: string;
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

interface RpcAnswer {
  readonly result?: unknown;
  readonly error?: unknown;
}

/** Answers by `method` and parameters; the same question always gets the recorded answer. */
export class RpcRecording {
  readonly #answers = new Map<string, RpcAnswer>();

  static key(method: unknown, params: unknown): string {
    return `${String(method)} ${JSON.stringify(params ?? [])}`;
  }

  record(method: unknown, params: unknown, answer: RpcAnswer): void {
    this.#answers.set(RpcRecording.key(method, params), answer);
  }

  answer(method: unknown, params: unknown): RpcAnswer | undefined {
    return this.#answers.get(RpcRecording.key(method, params));
  }

  get size(): number {
    return this.#answers.size;
  }

  /** Each method with its number of distinct recorded questions. */
  methods(): Map<string, number> {
    const out = new Map<string, number>();
    for (const k of this.#answers.keys()) {
      const m = k.slice(0, k.indexOf(' '));
      out.set(m, (out.get(m) ?? 0) + 1);
    }
    return out;
  }

  /** The recording as JSON text (what a user would keep of a real archive node). */
  toJSON(): Array<[string, RpcAnswer]> {
    return [...this.#answers];
  }
}

export interface RpcEndpoint {
  readonly url: string;
  /** Requests the endpoint could not answer (replay: not in the recording). */
  readonly misses: string[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function serve(
  handle: (requests: RpcRequest[]) => Promise<Array<Record<string, unknown>>>
): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await body(req));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const batch = Array.isArray(parsed);
      const answers = await handle((batch ? parsed : [parsed]) as RpcRequest[]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(batch ? answers : answers[0]));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closeServer = (server: Server): Promise<void> =>
  new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });

/** A proxy to `target` (an HTTP JSON-RPC URL) that records every answer into `recording`. */
export async function startRecorder(target: string, recording: RpcRecording): Promise<RpcEndpoint> {
  const misses: string[] = [];
  const { server, url } = await serve(async (requests) => {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requests),
    });
    const answers = (await res.json()) as Array<Record<string, unknown>>;
    const byId = new Map(answers.map((a) => [JSON.stringify(a.id), a]));
    return requests.map((q) => {
      const a = byId.get(JSON.stringify(q.id));
      if (!a) {
        misses.push(RpcRecording.key(q.method, q.params));
        return { jsonrpc: '2.0', id: q.id, error: { code: -32603, message: 'no answer' } };
      }
      recording.record(
        q.method,
        q.params,
        'error' in a ? { error: a.error } : { result: a.result }
      );
      return a;
    });
  });
  return { url, misses, close: () => closeServer(server) };
}

/** A server that answers only from `recording`; anything else is an error and a miss. */
export async function startReplayer(recording: RpcRecording): Promise<RpcEndpoint> {
  const misses: string[] = [];
  const { server, url } = await serve(async (requests) =>
    requests.map((q) => {
      const a = recording.answer(q.method, q.params);
      if (a === undefined) {
        misses.push(RpcRecording.key(q.method, q.params));
        return {
          jsonrpc: '2.0',
          id: q.id,
          error: { code: -32000, message: `not in the recording: ${String(q.method)}` },
        };
      }
      return { jsonrpc: '2.0', id: q.id, ...a };
    })
  );
  return { url, misses, close: () => closeServer(server) };
}
