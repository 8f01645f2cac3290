// The PouchDB side of `make bench-sync` (cmd/syncbench starts it inside namespace lnA).
//
// It speaks the desk worker's protocol: one JSON command per line on stdin, one JSON answer per
// line on stdout. Each office is a local PouchDB (LevelDB) loaded with the same documents the
// desk registered (lines of the documents file the desk wrote), synced with a database of
// pouchdb-server on the other side of the link with PouchDB's own `db.sync(remote)` (push and
// pull, as an offline-first app does, default options). Requests are counted with a wrapper
// around PouchDB's fetch; bytes are counted by the link.
'use strict';

const fs = require('fs');
const http = require('http');
const readline = require('readline');
const PouchDB = require('pouchdb');

// One keep-alive agent: connections stay open between syncs (a warm connection) until a
// "cold" command drops them.
let agent = new http.Agent({ keepAlive: true });
let requests = 0;
function countingFetch(url, opts) {
  requests++;
  return PouchDB.fetch(url, Object.assign({}, opts, { agent }));
}

const offices = new Map();

function readDocs(file, from, n) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  if (from + n > lines.length) {
    throw new Error(`${file} has ${lines.length} documents, not ${from + n}`);
  }
  return lines.slice(from, from + n).map((l) => JSON.parse(l));
}

async function load(db, docs) {
  for (let i = 0; i < docs.length; i += 500) {
    const res = await db.bulkDocs(docs.slice(i, i + 500));
    const bad = res.find((r) => r.error);
    if (bad) {
      throw new Error(`local write: ${JSON.stringify(bad)}`);
    }
  }
}

async function handle(c) {
  switch (c.cmd) {
    case 'hello': {
      const server = require('pouchdb-server/package.json').version;
      return { info: `node ${process.version}, pouchdb ${PouchDB.version}, pouchdb-server ${server}` };
    }
    case 'prepare': {
      const local = new PouchDB(c.dir);
      // The remote database is created before the measured syncs (the desk is enrolled at
      // the centre before its first sync too); the measured syncs skip PouchDB's set-up check.
      await new PouchDB(c.url, { fetch: countingFetch }).info();
      const remote = new PouchDB(c.url, { fetch: countingFetch, skip_setup: true });
      await load(local, readDocs(c.docs, c.from || 0, c.n));
      offices.set(c.office, { local, remote });
      return { docs: c.n };
    }
    case 'add': {
      const o = offices.get(c.office);
      await load(o.local, readDocs(c.docs, c.from, c.n));
      return { docs: c.n };
    }
    case 'cold':
      agent.destroy();
      agent = new http.Agent({ keepAlive: true });
      return {};
    case 'sync': {
      const o = offices.get(c.office);
      const before = requests;
      const start = process.hrtime.bigint();
      const a = { rounds: 0, failures: 0, pushed: 0, pulled: 0 };
      // Like the desk, a sync that fails on the lossy link (PouchDB's request timeout) is run
      // again at once until one completes.
      for (;;) {
        a.rounds++;
        try {
          const res = await o.local.sync(o.remote);
          a.pushed += res.push.docs_written;
          a.pulled += res.pull.docs_written;
          break;
        } catch (err) {
          a.failures++;
          if (a.rounds >= 50) {
            throw err;
          }
        }
      }
      a.seconds = Number(process.hrtime.bigint() - start) / 1e9;
      a.requests = requests - before;
      return a;
    }
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const c = JSON.parse(line);
    if (c.cmd === 'quit') {
      break;
    }
    let answer;
    try {
      answer = Object.assign({ ok: true }, await handle(c));
    } catch (err) {
      answer = { ok: false, error: String((err && err.stack) || err) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
  agent.destroy();
  for (const o of offices.values()) {
    await o.local.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(String((err && err.stack) || err) + '\n');
    process.exit(1);
  },
);
