/* Hengyang 1944 -- the report record of the browser edition: the JSON a teacher's class page
 * reads (python play.py class), in the terminal's format. No DOM.
 *
 * adventure/classroom/record.py writes it and schema/report.schema.json documents it (format
 * "hengyang-report", version 1). Its "checksum" is the SHA-256 of the rest as canonical JSON,
 * byte for byte what Python's json.dumps(body, ensure_ascii=False, sort_keys=True,
 * separators=(",", ":")) gives: keys sorted by code point, no spaces, only '"', '\' and the
 * C0 controls escaped (\b \f \n \r \t by name, the rest as \u00xx), text left as UTF-8, and
 * integers only (Python writes a float 1.0 where JavaScript writes 1: a record has none).
 * tests/test_web_runtime.py compares both for tricky values under node.
 */
(function (root) {
  "use strict";
  var FORMAT = "hengyang-report", VERSION = 1;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  // Python's sort of str keys: by code point (JavaScript's sort compares UTF-16 units, which
  // puts an emoji before U+E000..U+FFFF).
  function byCodePoint(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  var NAMED = {"\"": "\\\"", "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"};

  function quote(text) {
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/.test(text)) {
      throw new TypeError("a lone surrogate cannot be written as UTF-8");
    }
    return "\"" + text.replace(/["\\\u0000-\u001f]/g, function (c) {
      return has(NAMED, c) ? NAMED[c] : "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    }) + "\"";
  }

  // The canonical JSON text of plain data (objects, arrays, strings, integers, booleans, null).
  function canonical(value) {
    if (value === null) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw new TypeError("not an integer a record can hold: " + value);
      return String(value);
    }
    if (typeof value === "string") return quote(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (typeof value === "object") {
      return "{" + Object.keys(value).sort(byCodePoint).map(function (k) {
        return quote(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    throw new TypeError("not JSON data: " + typeof value);
  }

  /* SHA-256 by hand (FIPS 180-4), for a page served where the browser keeps crypto.subtle from
   * it: crypto.subtle exists only in a secure context, and a learning platform may serve the
   * page over plain http. From file://, Chromium gives crypto.subtle, which digest() prefers. */
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function sha256Hex(bytes) {
    var n = bytes.length, total = Math.ceil((n + 9) / 64) * 64;
    var m = new Uint8Array(total);
    m.set(bytes);
    m[n] = 0x80;
    var view = new DataView(m.buffer);
    view.setUint32(total - 8, Math.floor(n / 0x20000000));  // the length in bits, 64-bit big-endian
    view.setUint32(total - 4, (n * 8) >>> 0);
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Uint32Array(64);
    function rotr(x, r) { return (x >>> r) | (x << (32 - r)); }
    for (var off = 0; off < total; off += 64) {
      for (var i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
      for (i = 16; i < 64; i++) {
        var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (i = 0; i < 64; i++) {
        var t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      H = [H[0] + a, H[1] + b, H[2] + c, H[3] + d, H[4] + e, H[5] + f, H[6] + g, H[7] + h].map(function (x) { return x >>> 0; });
    }
    var out = new Uint8Array(32), outView = new DataView(out.buffer);
    H.forEach(function (x, j) { outView.setUint32(4 * j, x); });
    return hex(out);
  }

  // The SHA-256 (hex) of a text's UTF-8 bytes: a promise, as crypto.subtle gives it.
  function digest(text) {
    var bytes = new TextEncoder().encode(text);
    var subtle = root.isSecureContext !== false && root.crypto && root.crypto.subtle;
    if (!subtle) return Promise.resolve(sha256Hex(bytes));
    return subtle.digest("SHA-256", bytes).then(function (buf) { return hex(new Uint8Array(buf)); });
  }

  // Python's datetime.isoformat() of a UTC time: 2026-05-04T09:30:00.123000+00:00.
  function isoUtc(date) {
    return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
  }

  // Text as UTF-8 can hold it: a lone surrogate (a broken pasted character) becomes U+FFFD.
  function wellFormed(text) {
    return String(text).replace(/[\ud800-\udbff](?![\udc00-\udfff])|([^\ud800-\udbff]|^)[\udc00-\udfff]/g,
                                function (whole, before) { return (before || "") + "\ufffd"; });
  }

  /* The record (without its checksum) of a game: adventure/classroom/record.py record_value,
   * step for step. `record` is the classroom record store.js keeps. */
  function recordValue(bundle, game, record, lang, engine, now) {
    var RT = root.HengyangRuntime, state = game.state;
    var n = game.history.length;
    var states = game.history.concat([state]);
    var trail = n ? game.trail.slice(-n) : [];
    while (trail.length < n) trail.unshift(null);
    var path = [], endings = [];
    states.forEach(function (st, i) {
      var scene = bundle.scenes[st.scene];
      if (!scene) return;
      var choice = i < trail.length ? trail[i] : null;
      var offered = RT.available(bundle, st).map(function (c) { return c[0]; });
      var step = {scene: st.scene, chapter: scene.chapter, choice: choice, decision: offered.length > 1};
      if (offered.length > 1) step.offered = offered;
      if (i < trail.length && choice === null) step.restarted = true;
      path.push(step);
      if (st.ending !== null && endings.indexOf(st.ending) < 0) endings.push(st.ending);
    });
    var read = path.map(function (s) { return s.chapter; });
    var answers = {};
    Object.keys(record.answers).forEach(function (qid) {
      var ans = record.answers[qid], kept = {};
      ["text", "lang", "at", "chapter"].forEach(function (k) { if (has(ans, k)) kept[k] = wellFormed(ans[k]); });
      answers[qid] = kept;
    });
    return {
      format: FORMAT, version: VERSION, engine: engine,
      student: record.student === null ? null : wellFormed(record.student),
      sitting: {started: record.started, written: isoUtc(now), sittings: Math.max(1, record.sittings)},
      story: {id: bundle.story.id, hash: bundle.story.hash},
      lang: lang,
      languages: record.languages.length ? record.languages.slice() : [lang],
      seconds: record.seconds,
      chapters: {read: bundle.chapters.map(function (c) { return c[0]; }).filter(function (c) { return read.indexOf(c) >= 0; }),
                 finished: RT.completedChapters(bundle, state), total: bundle.chapters.length},
      position: {scene: state.scene, chapter: bundle.scenes[state.scene].chapter, ending: state.ending},
      path: path, endings: endings, notes: state.notes.slice(), answers: answers,
      skipped: record.skipped.slice(), looked_up: record.looked_up.slice()
    };
  }

  // The record's file text, checksum included (a promise): what record.py write_record writes.
  function recordJson(bundle, game, record, lang, engine, now) {
    var value = recordValue(bundle, game, record, lang, engine, now);
    return digest(canonical(value)).then(function (sum) {
      value.checksum = sum;
      return JSON.stringify(value) + "\n";
    });
  }

  var api = {canonical: canonical, sha256Hex: sha256Hex, digest: digest, recordValue: recordValue, recordJson: recordJson,
             isoUtc: isoUtc, wellFormed: wellFormed};
  root.HengyangRecord = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
