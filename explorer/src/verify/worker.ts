/// <reference lib="webworker" />
/**
 * A verification worker: receives bundle texts, answers with every receipt's lines. Running in a
 * worker keeps the page responsive and lets several cores share a large batch.
 * @module
 */
import { type VerifyOptions, verifyBundleTexts } from './run.ts';

export interface VerifyRequest {
  readonly id: number;
  readonly texts: readonly string[];
  readonly options: VerifyOptions;
}

self.onmessage = async (event: MessageEvent<VerifyRequest>) => {
  const { id, texts, options } = event.data;
  try {
    const run = await verifyBundleTexts(texts, options);
    self.postMessage({ id, run });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
