/* Hengyang 1944 -- saves and reports of the browser edition. No DOM.
 *
 * A save is the terminal's own format (adventure/saves.py, "hengyang-save" version 1), so a
 * file downloaded here opens in the terminal game too; what classroom mode keeps travels in
 * its "extra" as the terminal keeps it (adventure/classroom.py Record). A report is the same
 * Markdown and HTML adventure/report.py writes (the JSON record the class page reads: record.js).
 * Everything read from a save is checked before use; nothing in it is ever executed.
 */
(function (root) {
  "use strict";
  var SAVE_FORMAT = "hengyang-save", SAVE_VERSION = 1, MAX_VALUE = 1e15, MAX_ANSWER = 20000;
  var SLOT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

  function fill(text, subs) {
    return String(text).replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, function (whole, name) {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      return Object.prototype.hasOwnProperty.call(subs, name) ? String(subs[name]) : whole;
    });
  }

  function newRecord() {
    return {on: false, student: null, answers: {}, skipped: [], pending: [], defined: [], looked_up: [],
            languages: [], seconds: 0, sittings: 0, started: ""};
  }

  function strings(value) {
    if (!Array.isArray(value)) return [];
    var out = [];
    value.forEach(function (v) { if (typeof v === "string" && out.indexOf(v) < 0) out.push(v); });
    return out;
  }

  function isInt(v) {
    return typeof v === "number" && Math.floor(v) === v && Math.abs(v) <= MAX_VALUE;
  }

  // A classroom record from save data; anything of the wrong shape is left out (Record.from_json).
  function recordFrom(obj) {
    var rec = newRecord();
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return rec;
    rec.on = obj.on === true;
    if (typeof obj.student === "string" && obj.student.trim()) rec.student = obj.student.slice(0, 200);
    if (obj.answers && typeof obj.answers === "object" && !Array.isArray(obj.answers)) {
      Object.keys(obj.answers).forEach(function (qid) {
        var ans = obj.answers[qid];
        if (ans && typeof ans === "object" && typeof ans.text === "string") {
          var kept = {};
          ["text", "lang", "at", "chapter"].forEach(function (k) {
            if (typeof ans[k] === "string") kept[k] = ans[k].slice(0, MAX_ANSWER);
          });
          rec.answers[qid] = kept;
        }
      });
    }
    ["skipped", "pending", "defined", "looked_up", "languages"].forEach(function (k) { rec[k] = strings(obj[k]); });
    ["seconds", "sittings"].forEach(function (k) { if (isInt(obj[k]) && obj[k] >= 0) rec[k] = obj[k]; });
    rec.started = typeof obj.started === "string" ? obj.started : "";
    return rec;
  }

  function stateToJson(bundle, s) {
    return {scene: s.scene, chapter: bundle.scenes[s.scene].chapter, vars: s.vars, visits: s.visits, notes: s.notes,
            taken: s.taken.slice().sort(), ending: s.ending, turn: s.turn};
  }

  function encode(bundle, game, lang, extra, savedAt) {
    return {format: SAVE_FORMAT, version: SAVE_VERSION, engine: "web", story: {id: bundle.story.id, hash: bundle.story.hash},
            language: lang, saved_at: savedAt, summary: {chapter: bundle.scenes[game.state.scene].chapter, scene: game.state.scene},
            state: stateToJson(bundle, game.state), history: game.history.map(function (s) { return stateToJson(bundle, s); }),
            extra: extra};
  }

  function SaveError(message) { this.name = "SaveError"; this.message = message; }
  SaveError.prototype = Object.create(Error.prototype);

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  /* A state from save data, checked against the story; a SaveError if anything is malformed.
   * What a changed story no longer has is reconciled as adventure/play/saves.py does: a scene
   * that is gone moves the reader to the start of its chapter (or of the story), with the
   * terminal's message added to `messages`; visits to scenes, and once-only choices, that are
   * gone are forgotten, and an ending that is gone is no ending. */
  function stateFrom(bundle, raw, messages) {
    if (!raw || typeof raw !== "object") throw new SaveError("state");
    if (typeof raw.scene !== "string" || (raw.chapter !== undefined && raw.chapter !== null && typeof raw.chapter !== "string")) {
      throw new SaveError("scene");
    }
    var scene = raw.scene, ending = raw.ending === null || raw.ending === undefined ? null : raw.ending;
    if (typeof ending !== "string" && ending !== null) throw new SaveError("ending");
    if (!has(bundle.scenes, scene)) {
      var target = bundle.story.start;
      bundle.chapters.forEach(function (c) { if (c[0] === raw.chapter) target = c[1]; });
      messages.push(["ui.load_scene_moved", {scene: scene.slice(0, 60)}]);
      scene = target;
      ending = null;
    }
    var vars = {};
    bundle.vars.forEach(function (v) {
      var value = raw.vars && has(raw.vars, v[0]) ? raw.vars[v[0]] : v[1];
      if (typeof value !== typeof v[1] || (typeof value === "number" && !isInt(value))) throw new SaveError("vars");
      vars[v[0]] = value;
    });
    var visits = {};
    if (!raw.visits || typeof raw.visits !== "object") throw new SaveError("visits");
    Object.keys(raw.visits).forEach(function (k) {
      if (!isInt(raw.visits[k]) || raw.visits[k] < 0) throw new SaveError("visits");
      if (has(bundle.scenes, k)) visits[k] = raw.visits[k];
    });
    var notes = strings(raw.notes).filter(function (n) { return bundle.notes.indexOf(n) >= 0; });
    var taken = strings(raw.taken).filter(function (key) {
      var dot = key.indexOf("."), sc = bundle.scenes[key.slice(0, dot)];
      return dot > 0 && has(bundle.scenes, key.slice(0, dot)) && sc.choices.some(function (c) { return c[0] === key.slice(dot + 1); });
    }).sort();
    if (ending !== null && bundle.endings.indexOf(ending) < 0) ending = null;
    if (ending === null && bundle.scenes[scene].ending !== null) ending = bundle.scenes[scene].ending;
    var turn = raw.turn === undefined ? 0 : raw.turn;
    if (!isInt(turn) || turn < 0) throw new SaveError("turn");
    return {scene: scene, vars: vars, visits: visits, notes: notes, taken: taken, ending: ending, turn: turn};
  }

  function decode(bundle, obj) {
    if (!obj || typeof obj !== "object" || obj.format !== SAVE_FORMAT) throw new SaveError("format");
    if (!isInt(obj.version) || obj.version > SAVE_VERSION) throw new SaveError("version");
    if (!obj.story || obj.story.id !== bundle.story.id) throw new SaveError("story");
    var messages = [], quiet = [];  // as the terminal, only the current state's reconciling is said
    var history = Array.isArray(obj.history) ? obj.history.map(function (h) { return stateFrom(bundle, h, quiet); }) : [];
    var extra = obj.extra && typeof obj.extra === "object" && !Array.isArray(obj.extra) ? obj.extra : {};
    var trail = Array.isArray(extra.trail) ? extra.trail.map(function (t) { return typeof t === "string" ? t : null; }) : [];
    var lang = bundle.story.languages.indexOf(obj.language) >= 0 ? obj.language : bundle.story.languages[0];
    return {state: stateFrom(bundle, obj.state, messages), messages: messages, history: history, trail: trail.slice(-history.length || trail.length),
            lang: lang, record: recordFrom(extra.classroom), web: extra.web || {}};
  }

  // -- reports (adventure/report.py) ---------------------------------------------------------

  var LABELS = ["title", "student", "written", "time", "sittings", "languages", "progress", "position", "path",
                "chose", "restarted", "reflections", "no_answer", "skipped_answer", "notes", "no_notes", "sources",
                "looked_up", "none", "footer"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localStamp(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + " " +
           pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function plainParts(parts) {  // a choice label as the report shows it: placeholders unfilled
    return typeof parts === "string" ? parts : parts.map(function (p) {
      return typeof p === "string" ? p : "{" + p.v + "}";
    }).join("");
  }

  function stripMarks(text) {
    return text.replace(/\[\[([^\[\]|]+?)(?:\|([A-Za-z][A-Za-z0-9_]*))?\]\]/g, "$1");
  }

  function duration(t, seconds) {
    var minutes = Math.floor(Math.max(0, seconds) / 60);
    if (minutes === 0) return t("ui.classroom.under_a_minute");
    if (minutes >= 60) return t("ui.classroom.hours", {h: Math.floor(minutes / 60), m: pad(minutes % 60)});
    return t("ui.classroom.minutes", {m: minutes});
  }

  function langName(t, code) {
    var v = t("ui.classroom.lang_name." + code);
    return v.charAt(0) === "[" ? code : v;
  }

  /* What the report shows, in the reader's language (report.py report_data). `t(key, subs)`
   * gives a UI text, `T` the language's bundle texts. */
  function reportData(bundle, game, record, lang, t, now) {
    var T = bundle.text[lang], state = game.state;
    var labels = {};
    LABELS.forEach(function (k) { labels[k] = t("ui.report." + k); });
    var done = root.HengyangRuntime.completedChapters(bundle, state);
    var questions = bundle.questions.map(function (q) { return q[0]; });
    var answered = questions.filter(function (q) { return has(record.answers, q); }).length;
    var progress = [
      t("ui.classroom.progress_chapters_line", {n: done.length, total: bundle.chapters.length,
        names: done.map(function (c) { return T.chapters[c]; }).join(", ") || t("ui.classroom.none_yet")}),
      t("ui.classroom.progress_notes_line", {n: state.notes.length, total: bundle.notes.length})];
    if (questions.length) progress.push(t("ui.classroom.progress_reflections_line", {n: answered, total: questions.length}));
    var scene = bundle.scenes[state.scene];
    var position = state.ending !== null ? t("ui.report.ended", {ending: T.endings[state.ending][0]})
      : t("ui.report.reading", {chapter: T.chapters[scene.chapter], scene: T.scenes[state.scene][0]});
    var langs = record.languages.map(function (l) { return langName(t, l); }).join(", ") || langName(t, lang);
    return {
      lang: lang, labels: labels, story_title: T.title, student: record.student || t("ui.report.anonymous"),
      written: localStamp(now), time_spent: duration(t, record.seconds), sittings: Math.max(1, record.sittings),
      languages: langs, progress: progress, position: position, path: path(bundle, game, T),
      answers: bundle.questions.map(function (q) {
        var ans = has(record.answers, q[0]) ? record.answers[q[0]] : null;
        return {chapter: T.chapters[q[1]], question: stripMarks(T.questions[q[0]][1]), answer: ans ? ans.text : null,
                skipped: record.skipped.indexOf(q[0]) >= 0};
      }),
      notes: state.notes.filter(function (n) { return has(T.notes, n); }).map(function (n) {
        return {title: T.notes[n][0], sources: T.notes[n][3]};
      }),
      looked_up: record.looked_up.filter(function (x) { return has(T.terms, x); }).map(function (x) { return T.terms[x][0]; })
    };
  }

  function path(bundle, game, T) {  // report.py _path
    var states = game.history.concat([game.state]);
    var n = game.history.length;
    var trail = n ? game.trail.slice(-n) : [];
    while (trail.length < n) trail.unshift(null);
    var out = [];
    states.forEach(function (st, i) {
      var scene = bundle.scenes[st.scene];
      if (!scene) return;
      var choiceId = i < trail.length ? trail[i] : null;
      var restarted = i < trail.length && choiceId === null;
      var label = null;
      if (choiceId !== null && has(T.scenes[st.scene][4], choiceId)) label = stripMarks(plainParts(T.scenes[st.scene][4][choiceId]));
      var title = T.chapters[scene.chapter];
      var last = out[out.length - 1];
      if (!last || last.title !== title || (last.steps.length && last.steps[last.steps.length - 1].restarted)) {
        out.push({title: title, steps: []});
      }
      out[out.length - 1].steps.push({scene: T.scenes[st.scene][0], choice: label, restarted: restarted});
    });
    return out;
  }

  // adventure.charset.strip_controls: C0 but newline and tab, DEL, C1, bidi controls.
  function stripControls(text) {
    return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "");
  }

  // adventure.markup.md_text, line for line: inline markup characters escaped, and a block
  // marker (heading, quote, list, setext line, "1944.") escaped where the text begins.
  function md(text) {
    var s = stripControls(String(text)).replace(/\r\n|\r|\n/g, " ");
    s = s.replace(/([\\`*_{}\[\]()<>#!|~&])/g, "\\$1");
    var m = /^(\s*)([-+=>#]|\d{1,9}(?=[.)]))/.exec(s);
    if (m) {
      var lead = m[1], mark = m[2], rest = s.slice(m[0].length);
      s = /^\d/.test(mark) ? lead + mark + "\\" + rest : lead + "\\" + mark + rest;
    }
    return s;
  }

  function toMarkdown(d) {
    var L = d.labels;
    var lines = ["# " + md(L.title) + ": " + md(d.story_title), "",
                 "- **" + md(L.student) + ":** " + md(d.student),
                 "- **" + md(L.written) + ":** " + md(d.written),
                 "- **" + md(L.time) + ":** " + md(d.time_spent) + " (" + md(L.sittings) + ": " + d.sittings + ")",
                 "- **" + md(L.languages) + ":** " + md(d.languages),
                 "- **" + md(L.position) + ":** " + md(d.position), "",
                 "## " + md(L.progress), ""];
    d.progress.forEach(function (l) { lines.push("- " + md(l)); });
    lines.push("", "## " + md(L.path), "");
    d.path.forEach(function (ch) {
      lines.push("### " + md(ch.title), "");
      ch.steps.forEach(function (s, i) {
        var l = (i + 1) + ". " + md(s.scene);
        if (s.choice) l += " — " + md(L.chose) + ": *" + md(s.choice) + "*";
        if (s.restarted) l += " — " + md(L.restarted);
        lines.push(l);
      });
      lines.push("");
    });
    lines.push("## " + md(L.reflections), "");
    if (!d.answers.length) lines.push(md(L.none), "");
    var last = null;
    d.answers.forEach(function (a) {
      if (a.chapter !== last) { lines.push("### " + md(a.chapter), ""); last = a.chapter; }
      lines.push("**" + md(a.question) + "**", "");
      if (a.answer) {
        a.answer.split(/\r\n|\r|\n/).forEach(function (l, i, all) {
          if (i === all.length - 1 && l === "" && all.length > 1) return;
          lines.push(l ? "> " + md(l) : ">");
        });
      } else {
        lines.push("*" + md(a.skipped ? L.skipped_answer : L.no_answer) + "*");
      }
      lines.push("");
    });
    lines.push("## " + md(L.notes), "");
    if (d.notes.length) d.notes.forEach(function (n) { lines.push("- **" + md(n.title) + "** — " + md(L.sources) + ": " + md(n.sources)); });
    else lines.push(md(L.no_notes));
    lines.push("", "## " + md(L.looked_up), "", d.looked_up.length ? md(d.looked_up.join(", ")) : md(L.none), "",
               "---", md(L.footer), "");
    return lines.join("\n");
  }

  function e(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  function toHtml(d, css) {
    var L = d.labels;
    var p = ["<!DOCTYPE html>\n<html lang=\"" + e(d.lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n" +
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
             "<title>" + e(L.title) + ": " + e(d.student) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n" +
             "<h1>" + e(L.title) + ": " + e(d.story_title) + "</h1>\n<dl>\n"];
    [[L.student, d.student], [L.written, d.written], [L.time, d.time_spent + " (" + L.sittings + ": " + d.sittings + ")"],
     [L.languages, d.languages], [L.position, d.position]].forEach(function (kv) {
      p.push("<dt>" + e(kv[0]) + "</dt><dd>" + e(kv[1]) + "</dd>\n");
    });
    p.push("</dl>\n<h2>" + e(L.progress) + "</h2>\n<ul>\n");
    d.progress.forEach(function (l) { p.push("<li>" + e(l) + "</li>\n"); });
    p.push("</ul>\n<h2>" + e(L.path) + "</h2>\n");
    d.path.forEach(function (ch) {
      p.push("<h3>" + e(ch.title) + "</h3>\n<ol>\n");
      ch.steps.forEach(function (s) {
        var item = e(s.scene);
        if (s.choice) item += " — " + e(L.chose) + ": <span class=\"choice\">" + e(s.choice) + "</span>";
        if (s.restarted) item += " — <span class=\"meta\">" + e(L.restarted) + "</span>";
        p.push("<li>" + item + "</li>\n");
      });
      p.push("</ol>\n");
    });
    p.push("<h2>" + e(L.reflections) + "</h2>\n");
    if (!d.answers.length) p.push("<p class=\"missing\">" + e(L.none) + "</p>\n");
    var last = null;
    d.answers.forEach(function (a) {
      if (a.chapter !== last) { p.push("<h3>" + e(a.chapter) + "</h3>\n"); last = a.chapter; }
      p.push("<p class=\"question\">" + e(a.question) + "</p>\n");
      if (a.answer) p.push("<blockquote>" + e(a.answer) + "</blockquote>\n");
      else p.push("<p class=\"missing\">" + e(a.skipped ? L.skipped_answer : L.no_answer) + "</p>\n");
    });
    p.push("<h2>" + e(L.notes) + "</h2>\n");
    if (d.notes.length) {
      p.push("<ul>\n");
      d.notes.forEach(function (n) {
        p.push("<li><strong>" + e(n.title) + "</strong><br><span class=\"meta\">" + e(L.sources) + ": " + e(n.sources) + "</span></li>\n");
      });
      p.push("</ul>\n");
    } else {
      p.push("<p class=\"missing\">" + e(L.no_notes) + "</p>\n");
    }
    p.push("<h2>" + e(L.looked_up) + "</h2>\n<p>" + e(d.looked_up.join(", ") || L.none) + "</p>\n");
    p.push("<footer>" + e(L.footer) + "</footer>\n</body>\n</html>\n");
    return p.join("");
  }

  // `Ana-Pérez`: a safe file-name part from any name (classroom.py slug).
  function slug(name) {
    var text = String(name || "").normalize("NFC").replace(/[^\p{L}\p{N}]/gu, "-").replace(/-{2,}/g, "-")
      .replace(/^-+|-+$/g, "").slice(0, 60).replace(/^-+|-+$/g, "");
    if (!text) return "student";
    if (/^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i.test(text)) text += "_";
    return text;
  }

  function reportStem(student, now) {
    return slug(student) + "_" + localStamp(now).slice(0, 10);
  }

  var api = {fill: fill, newRecord: newRecord, recordFrom: recordFrom, encode: encode, decode: decode, SaveError: SaveError,
             SLOT_RE: SLOT_RE, reportData: reportData, toMarkdown: toMarkdown, toHtml: toHtml,
             reportStem: reportStem, localStamp: localStamp, MAX_ANSWER: MAX_ANSWER};
  root.HengyangStore = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
