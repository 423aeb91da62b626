/**
 * Sentinel rounds drawn with a verifiable random function (docs/sentinel.md §Sampling): a round
 * stores, from its start, the VRF input (`vrf_alpha`), the proof (`vrf_proof`) and the seed it
 * yields (`seed`, the VRF output), so anyone can check the draw at once. The commit-reveal columns
 * stay for the rounds drawn before: `seed_commitment` becomes nullable (NULL for VRF rounds), and a
 * complete earlier round keeps its commitment and revealed seed.
 *
 * An earlier round still sampling cannot be finished by this sentinel (its seed came from a key
 * derivation that no longer exists), so it is dropped with its checks and drawn again, with a
 * proof, on the next pass. Its failures' evidence was in the old format anyway.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
ALTER TABLE sentinel_round ADD COLUMN vrf_alpha text;
ALTER TABLE sentinel_round ADD COLUMN vrf_proof text;
ALTER TABLE sentinel_round ALTER COLUMN seed_commitment DROP NOT NULL;
DELETE FROM sentinel_check WHERE round_id IN
  (SELECT id FROM sentinel_round WHERE status <> 'complete' AND vrf_proof IS NULL);
DELETE FROM sentinel_round WHERE status <> 'complete' AND vrf_proof IS NULL;
`;

// Back to commit-reveal: VRF rounds have no commitment to give, so they go (with their checks).
const DOWN = `
DELETE FROM sentinel_check WHERE round_id IN
  (SELECT id FROM sentinel_round WHERE seed_commitment IS NULL);
DELETE FROM sentinel_round WHERE seed_commitment IS NULL;
ALTER TABLE sentinel_round ALTER COLUMN seed_commitment SET NOT NULL;
ALTER TABLE sentinel_round DROP COLUMN vrf_proof;
ALTER TABLE sentinel_round DROP COLUMN vrf_alpha;
`;

export class SentinelVrf1764400000000 implements MigrationInterface {
  name = 'SentinelVrf1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(DOWN);
  }
}
