// A mysql2 client for `handshake audit mysql --run 'node audit.js'`: connects once to
// 127.0.0.1:$HANDSHAKE_AUDIT_PORT as an application would (mysql2's defaults, TLS without certificate
// checks when the scenario needs TLS, a 2 s connect timeout), runs SELECT 1, quits.
// Exit 0 when the login completed, 1 when it failed; the error message goes to stderr.
'use strict';
const mysql = require('mysql2');
const tls = process.env.HANDSHAKE_AUDIT_TLS === '1';
const connection = mysql.createConnection({
  host: '127.0.0.1',
  port: Number(process.env.HANDSHAKE_AUDIT_PORT),
  user: process.env.HANDSHAKE_AUDIT_USER,
  password: process.env.HANDSHAKE_AUDIT_PASSWORD,
  ssl: tls ? { rejectUnauthorized: false } : undefined,
  connectTimeout: Number(process.env.HANDSHAKE_AUDIT_CLIENT_TIMEOUT_MS || 2000),
});

connection.on('error', () => {});
connection.connect((err) => {
  if (err) {
    console.error(`mysql2: ${err.code || ''} ${err.message}`);
    connection.destroy();
    process.exit(1);
  }
  connection.query('SELECT 1', () => {
    connection.end(() => {});
    console.log('logged in');
    setTimeout(() => process.exit(0), 50);
  });
});
