/* The differential test's node driver: plays adventure/web/runtime.js on a bundle and prints
 * what each step leaves (see tests/test_web_runtime.py).
 *
 *   node tests/web_driver.js RUNTIME.js BUNDLE.json < jobs.json > traces.jsonl
 *
 * jobs.json: {"full": bool, "scripts": [{"at": scene|null, "preset": {...}, "ops": [...]}],
 *             "walks": [{"seed": n, "max": steps}]}
 * An op is a choice id, "!u" (undo) or "!r" (restart). A walk chooses its own ops with a
 * seeded generator (mulberry32). For each job one JSON line: {"ops": [...], "t": [...]}, where
 * t holds, for the state after each op (and the first one), its canonical line (full) or
 * the line's CRC-32 -- the same line tests/test_web_runtime.py builds from the Python engine.
 */
"use strict";
const fs = require("fs");
const rt = require(require("path").resolve(process.argv[2]));
const bundle = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const jobs = JSON.parse(fs.readFileSync(0, "utf8"));

const CRC = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC[n] = c;
}
const encoder = new TextEncoder();
function crc32(text) {
  let c = -1;
  for (const byte of encoder.encode(text)) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function show(v) {
  return typeof v === "boolean" ? (v ? "true" : "false") : String(v);
}

function line(game) {
  const s = game.state;
  const ids = game.choices().map((c) => c[0]);
  const vars = bundle.vars.map((v) => v[0] + "=" + show(s.vars[v[0]]));
  const visits = Object.keys(s.visits).sort().map((k) => k + "=" + s.visits[k]);
  return [s.scene, ids.join(","), vars.join(","), visits.join(","), s.notes.join(","), s.ending === null ? "" : s.ending,
          s.taken.join(","), String(s.turn)].join("|");
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function apply(game, op) {
  if (op === "!u") game.undo();
  else if (op === "!r") game.restart();
  else game.choose(op);
}

const out = [];
const record = (game, trace) => trace.push(jobs.full ? line(game) : crc32(line(game)));

for (const job of jobs.scripts || []) {
  const first = rt.newGame(bundle, job.at || null, job.preset || {});
  const game = new rt.Game(bundle, first.state);
  const trace = [];
  record(game, trace);
  let error = null;
  for (const op of job.ops) {
    try {
      apply(game, op);
    } catch (e) {
      error = String(e.message);
      break;
    }
    record(game, trace);
  }
  out.push(JSON.stringify({ops: job.ops, t: trace, error: error}));
}

for (const walk of jobs.walks || []) {
  const rand = mulberry32(walk.seed);
  const game = new rt.Game(bundle);
  const ops = [];
  const trace = [];
  record(game, trace);
  for (let i = 0; i < walk.max; i++) {
    const choices = game.choices();
    const r = rand();
    let op;
    if (game.history.length && (r < 0.04 || (!choices.length && r < 0.5))) op = "!u";
    else if (r < 0.05 || !choices.length) op = game.state.ending !== null && r < 0.75 ? null : "!r";
    else op = choices[Math.floor(rand() * choices.length)][0];
    if (op === null) break;
    apply(game, op);
    ops.push(op);
    record(game, trace);
  }
  out.push(JSON.stringify({ops: ops, t: trace}));
}
process.stdout.write(out.join("\n") + "\n");
