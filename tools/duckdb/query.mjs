// Runs SQL statements with DuckDB and prints their results as JSON lines.
//
//   node tools/duckdb/query.mjs "SQL" ["SQL" ...]
//
// Each argument may hold several statements separated by ';' (a script, such
// as bench/peer.sql). Every statement runs in turn in one in-memory
// database. Each row of its result is printed as one JSON object (column
// name to value; DECIMAL, BIGINT and HUGEINT values as exact strings, DATE as
// YYYY-MM-DD), and an empty line ends each statement's result. An error is
// printed to stderr and exits 1.
import { DuckDBInstance } from '@duckdb/node-api';

const statements = process.argv.slice(2);
if (statements.length === 0) {
  console.error('usage: node query.mjs "SQL" ["SQL" ...]');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  let n = 0;
  run: for (const sql of statements) {
    let extracted;
    try {
      extracted = await connection.extractStatements(sql);
    } catch (err) {
      console.error(`statement ${n + 1} failed: ${err.message}`);
      process.exitCode = 1;
      break;
    }
    for (let j = 0; j < extracted.count; j++) {
      n++;
      let reader;
      try {
        const prepared = await extracted.prepare(j);
        reader = await prepared.runAndReadAll();
      } catch (err) {
        console.error(`statement ${n} failed: ${err.message}`);
        process.exitCode = 1;
        break run;
      }
      const lines = reader.getRowObjectsJson().map((row) => JSON.stringify(row));
      process.stdout.write(lines.map((l) => l + '\n').join('') + '\n');
    }
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
