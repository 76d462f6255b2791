// Connects to a PostgreSQL server with node-postgres and runs the queries a login test server answers:
// SELECT 1 (simple query protocol), SELECT version(), SHOW server_version, and a named (prepared) SELECT 1
// through the extended protocol (Parse/Bind/Describe/Execute/Sync). Prints one JSON line:
// {"ok":true,"results":[{"fields":[...],"rows":[...]},...]} or {"ok":false,"code":...,"message":...}.
// Settings come from the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).
const { Client } = require('pg');
const client = new Client({ ssl: false, connectionTimeoutMillis: 15000 });

async function main() {
  try {
    await client.connect();
    const results = [];
    for (const query of ['SELECT 1 AS one', 'SELECT version()', 'SHOW server_version', { name: 'prepared-one', text: 'SELECT 1' }]) {
      const res = await client.query(query);
      results.push({ fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })), rows: res.rows });
    }
    await client.end();
    console.log(JSON.stringify({ ok: true, results }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err.code || null, message: String(err.message) }));
    process.exitCode = 1;
    await client.end().catch(() => {});
  }
}

main();
