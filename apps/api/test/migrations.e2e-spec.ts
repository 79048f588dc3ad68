import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/database-options';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(databaseOptions(db.url)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('build exactly the schema the entities describe (a forgotten migration fails here)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('can be reverted to an empty schema', async () => {
    const applied: number = (await dataSource.query('SELECT count(*)::int AS n FROM migrations'))[0]
      .n;
    expect(applied).toBeGreaterThan(0);
    for (let i = 0; i < applied; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
    );
    expect(tables).toEqual([]);
    await dataSource.runMigrations();
  });
});
