// Connects to a MySQL server with mysql2, runs one query, quits; prints one JSON line with the outcome.
// Settings come from the environment: HANDSHAKE_MYSQL_PORT, HANDSHAKE_MYSQL_USER and the secrets
// MYSQL_PWD, MYSQL_PWD2, MYSQL_PWD3 (factor 1, 2, 3: never on the command line).
//
// Factors 2 and 3 are custom plugins given through mysql2's `authPlugins` option, as its
// documentation shows: `name: ({ connection, command }) => (pluginData) => Buffer`.
// mysql2 moves its own factor counter on every 0xFE/0x02 packet, so the plugins read password2 and
// password3 from the connection's config directly instead of `connection.config.password`.
'use strict';
const crypto = require('crypto');
const mysql = require('mysql2');

const user = process.env.HANDSHAKE_MYSQL_USER;
const authPlugins = {
  // Factor 2, Handshake.Mfa's "totp" verifier: the server's data is a prompt; the answer is the code.
  totp: ({ connection }) => () => Buffer.from(String(connection.config.password2), 'ascii'),
  // Factor 3, Handshake.Testing's "hmac-challenge": 32 random bytes from the server; the answer is
  // HMAC-SHA256(SHA-256(password3), challenge || user).
  'hmac-challenge': ({ connection }) => (challenge) => {
    const key = crypto.createHash('sha256').update(String(connection.config.password3), 'utf8').digest();
    return crypto.createHmac('sha256', key).update(Buffer.concat([challenge, Buffer.from(user, 'utf8')])).digest();
  },
};

const connection = mysql.createConnection({
  host: '127.0.0.1',
  port: Number(process.env.HANDSHAKE_MYSQL_PORT),
  user,
  password: process.env.MYSQL_PWD,
  password2: process.env.MYSQL_PWD2 || undefined,
  password3: process.env.MYSQL_PWD3 || undefined,
  authPlugins,
  connectTimeout: 15000,
});

connection.connect((connectError) => {
  if (connectError) {
    console.log(JSON.stringify({ ok: false, code: connectError.code || null, errno: connectError.errno || null, sqlState: connectError.sqlState || null, message: String(connectError.message) }));
    process.exitCode = 1;
    connection.destroy();
    return;
  }

  connection.query('SELECT 1', (queryError) => {
    const outcome = { ok: !queryError, threadId: connection.threadId };
    if (queryError) {
      outcome.code = queryError.code || null;
      outcome.message = String(queryError.message);
      process.exitCode = 1;
    }

    connection.end(() => console.log(JSON.stringify(outcome)));
  });
});
