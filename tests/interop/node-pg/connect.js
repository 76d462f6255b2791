// Connects to a PostgreSQL server with node-postgres, runs `SELECT 1`, then ends; prints one JSON line
// with the outcome. Settings come from the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)
// and HANDSHAKE_PG_TLS=1 (TLS without certificate check, SCRAM-SHA-256-PLUS enabled).
// {"ok":true,"query":{...}} means the login completed (ReadyForQuery); "query" says how SELECT 1 went
// (Handshake's acceptor answers every query with SQLSTATE 0A000). {"ok":false,"code":...} is a failed login.
const { Client } = require('pg');
const tls = process.env.HANDSHAKE_PG_TLS === '1';
const client = new Client({
  ssl: tls ? { rejectUnauthorized: false } : false,
  enableChannelBinding: tls,
  connectionTimeoutMillis: 15000,
});

async function main() {
  try {
    await client.connect();
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err.code || null, message: String(err.message) }));
    process.exitCode = 1;
    return;
  }
  let query;
  try {
    const res = await client.query('SELECT 1 AS one');
    query = { ok: true, rows: res.rows };
  } catch (err) {
    query = { ok: false, code: err.code || null, message: String(err.message) };
  }
  await client.end();
  console.log(JSON.stringify({ ok: true, query }));
}

main();
