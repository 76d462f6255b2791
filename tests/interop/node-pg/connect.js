// Connects to a PostgreSQL server with node-postgres, then ends; prints one JSON line with the outcome.
// Settings come from the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) and
// HANDSHAKE_PG_TLS=1 (TLS without certificate check, SCRAM-SHA-256-PLUS enabled).
const { Client } = require('pg');
const tls = process.env.HANDSHAKE_PG_TLS === '1';
const client = new Client({
  ssl: tls ? { rejectUnauthorized: false } : false,
  enableChannelBinding: tls,
  connectionTimeoutMillis: 15000,
});
client.connect()
  .then(() => client.end())
  .then(() => console.log(JSON.stringify({ ok: true })))
  .catch((err) => {
    console.log(JSON.stringify({ ok: false, code: err.code || null, message: String(err.message) }));
    process.exitCode = 1;
  });
