// A node-postgres client for `handshake audit postgres --run 'node audit.js'`: connects once to
// 127.0.0.1:$HANDSHAKE_AUDIT_PORT as an application would (pg's defaults, TLS without certificate checks
// when the scenario needs TLS, channel binding enabled, a 2 s connection timeout), runs SELECT 1, ends.
// Exit 0 when the login completed, 1 when it failed; the error message goes to stderr.
'use strict';
const { Client } = require('pg');
const tls = process.env.HANDSHAKE_AUDIT_TLS === '1';
const client = new Client({
  host: '127.0.0.1',
  port: Number(process.env.HANDSHAKE_AUDIT_PORT),
  user: process.env.HANDSHAKE_AUDIT_USER,
  password: process.env.HANDSHAKE_AUDIT_PASSWORD,
  database: 'postgres',
  ssl: tls ? { rejectUnauthorized: false } : false,
  enableChannelBinding: true,
  connectionTimeoutMillis: Number(process.env.HANDSHAKE_AUDIT_CLIENT_TIMEOUT_MS || 2000),
});

client.on('error', () => {});
client.connect().then(async () => {
  try { await client.query('SELECT 1'); } catch (_) { /* the audit server runs no queries */ }
  await client.end().catch(() => {});
  console.log('logged in');
  process.exit(0);
}, (err) => {
  console.error(`pg: ${err && err.message}`);
  process.exit(1);
});
