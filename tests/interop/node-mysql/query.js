// Connects to a MySQL server with mysql2 and runs the set-up queries consoles and drivers send after login:
// SELECT 1, SELECT version(), select @@version_comment limit 1 (the mysql console), a multi-column
// SELECT @@max_allowed_packet, ... and SET NAMES. Prints one JSON line:
// {"ok":true,"results":[{"fields":[...],"rows":[...]},...]} or {"ok":false,"code":...,"message":...}.
// Settings come from the environment: HANDSHAKE_MYSQL_PORT, HANDSHAKE_MYSQL_USER, MYSQL_PWD.
'use strict';
const mysql = require('mysql2/promise');

async function main() {
  let connection;
  try {
    connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: Number(process.env.HANDSHAKE_MYSQL_PORT),
      user: process.env.HANDSHAKE_MYSQL_USER,
      password: process.env.MYSQL_PWD,
      connectTimeout: 15000,
    });
    const results = [];
    for (const sql of ['SELECT 1', 'SELECT version()', 'select @@version_comment limit 1', 'SELECT @@max_allowed_packet, @@session.auto_increment_increment AS auto_increment_increment', "SET NAMES utf8mb4"]) {
      const [rows, fields] = await connection.query(sql);
      results.push({ fields: fields ? fields.map((f) => ({ name: f.name, columnType: f.columnType })) : null, rows });
    }
    await connection.end();
    console.log(JSON.stringify({ ok: true, results }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err.code || null, message: String(err.message) }));
    process.exitCode = 1;
    if (connection) {
      connection.destroy();
    }
  }
}

main();
