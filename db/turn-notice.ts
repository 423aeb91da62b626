/**
 * The notice the embedded database (db/embedded.ts) sends with a `BEGIN` it held back while other
 * connections ran: how a writer learns that readers were waiting for it. A light module, so the
 * indexer can recognise the notice without loading the engine.
 * @module
 */

/** The notice's message starts with this; the wait in milliseconds follows. */
export const TURN_NOTICE = 'proofroom: this transaction waited its turn for';

/** The wait a turn notice reports (ms), or null for any other message. */
export function turnWaitMs(message: string | undefined): number | null {
  if (!message?.startsWith(TURN_NOTICE)) return null;
  const ms = Number(/(\d+) ms$/.exec(message)?.[1]);
  return Number.isSafeInteger(ms) ? ms : null;
}
