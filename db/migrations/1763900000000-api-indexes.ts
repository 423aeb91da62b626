/**
 * Indexes for the API's common lists: a customer's or a provider's records of an era, newest
 * first (`activityRecords(where: { customerId_eq, era_eq }, orderBy: timestamp_DESC, limit)`),
 * read in index order instead of fetching every record of the pair and sorting them. The same
 * columns lead, so the old two-column indexes are replaced, not kept beside.
 * @module
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiIndexes1763900000000 implements MigrationInterface {
  name = 'ApiIndexes1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const who of ['customer', 'provider']) {
      await q.query(`DROP INDEX IF EXISTS activity_record_${who}_idx`);
      await q.query(
        `CREATE INDEX activity_record_${who}_idx ON activity_record (${who}_id, era, timestamp)`
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const who of ['customer', 'provider']) {
      await q.query(`DROP INDEX IF EXISTS activity_record_${who}_idx`);
      await q.query(`CREATE INDEX activity_record_${who}_idx ON activity_record (${who}_id, era)`);
    }
  }
}
