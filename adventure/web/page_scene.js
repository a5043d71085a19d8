/* Hengyang 1944 -- the scene, the bar and the toolbar, playing (choose, undo, restart) and the
 * reflection questions of classroom mode. Part of the page (see page_common.js).
 */
(function () {
  "use strict";
  var P = window.HengyangPage, ST = window.HengyangStore;
  var B = P.B, S = P.S, T = P.T, t = P.t, h = P.h, parts = P.parts, announce = P.announce, paragraph = P.paragraph, paras = P.paras, line = P.line, hideTip = P.hideTip;
  var autosave = P.late("autosave"), openPanel = P.late("openPanel");
  var RT = window.HengyangRuntime;
  var IDLE_CAP = 300;
  var view = document.getElementById("view"), tools = document.getElementById("tools"), bar = document.getElementById("bar");

  // -- the bar and the toolbar ---------------------------------------------------------------
  function renderBar() {
    var st = S.game.state, scene = B.scenes[st.scene], sceneText = T().scenes[st.scene];
    bar.textContent = "";
    bar.setAttribute("aria-label", t("ui.web.bar"));
    [T().chapters[scene.chapter], sceneText[1], t("ui.notes_progress", {n: st.notes.length, total: B.notes.length})]
      .forEach(function (x) { if (x) bar.appendChild(h("span", {text: x})); });
    bar.hidden = false;
  }
  function renderTools() {
    tools.textContent = "";
    tools.setAttribute("aria-label", t("ui.web.toolbar"));
    var items = [["undo", undo], ["restart", restart], ["notes", function () { openPanel("notes"); }]];
    if (B.terms.length) items.push(["glossary", function () { openPanel("glossary"); }]);
    items.push(["saves", function () { openPanel("saves"); }], ["report", function () { openPanel("report"); }],
               ["settings", function () { openPanel("settings"); }]);
    items.forEach(function (it) {
      tools.appendChild(h("button", {type: "button", "data-tool": it[0], text: t("ui.web." + it[0]), onclick: it[1]}));
    });
    tools.hidden = false;
    document.getElementById("skip").textContent = t("ui.web.skip_link");
    document.getElementById("story-title").textContent = T().title;
  }

  // -- the scene -----------------------------------------------------------------------------
  function renderScene(focus) {
    S.panel = null;
    hideTip();
    var st = S.game.state, sceneText = function (X) { return X.scenes[st.scene]; };
    view.textContent = "";
    var box = h("article", {class: focus ? "scene-new" : ""});
    if (S.banner) box.appendChild(h("p", {class: "chapter", text: T().chapters[B.scenes[st.scene].chapter]}));
    if (S.message) box.appendChild(h("p", {class: "message", role: "status", text: S.message}));
    var heading = line("h1", "scene-title", function (X) { return sceneText(X)[0]; });
    heading[0].id = "scene-heading";
    heading[0].setAttribute("tabindex", "-1");
    heading.forEach(function (el) { box.appendChild(el); });
    if (sceneText(T())[1]) box.appendChild(h("p", {class: "meta", text: sceneText(T())[1]}));
    if (sceneText(T())[2]) line("p", "credit", function (X) { return sceneText(X)[2]; }).forEach(function (el) { box.appendChild(el); });
    paras("text", function (X) { return sceneText(X)[3]; }).forEach(function (el) { box.appendChild(el); });
    S.defined.forEach(function (id) {
      var entry = T().terms[id];
      var el = h("p", {class: "glossary-line"}, [h("strong", {text: entry[0] + ": "})]);
      entry[1].forEach(function (p, i) { el.appendChild(document.createTextNode((i ? " " : "") + p[2].map(function (s) { return parts(s[1], S.lang); }).join(""))); });
      box.appendChild(el);
    });
    S.unlocked.forEach(function (nid) {
      var title = T().notes[nid][0];
      box.appendChild(h("p", {class: "note-new"}, [t("ui.web.note_unlocked", {title: title}) + " ",
        h("button", {type: "button", text: t("ui.web.read_note"), onclick: function () { openPanel("notes", nid); }})]));
    });
    if (st.ending !== null) {
      line("h2", "ending", function (X) { return X.endings[st.ending][0]; }).forEach(function (el) { box.appendChild(el); });
      paras("ending", function (X) { return X.endings[st.ending][1]; }).forEach(function (el) { box.appendChild(el); });
      box.appendChild(h("p", {class: "meta", text: t("ui.notes_progress", {n: st.notes.length, total: B.notes.length})}));
      box.appendChild(h("p", {class: "message", text: t("ui.web.the_end")}));
      if (S.record.on) {
        box.appendChild(h("p", {}, [h("button", {type: "button", id: "ending-report", text: t("ui.web.report_heading"),
                                                  onclick: function () { openPanel("report"); }})]));
      }
    } else {
      var choices = S.game.choices();
      if (!choices.length) box.appendChild(h("p", {class: "message", text: t("ui.web.stuck")}));
      var list = h("ol", {class: "choices", "aria-label": t("ui.web.choices")});
      choices.forEach(function (c, i) {
        var label = [h("span", {class: "num", "aria-hidden": "true", text: String(i + 1)})];
        var texts = h("span", {class: "label"}, [h("span", {lang: S.lang, text: parts(T().scenes[st.scene][4][c[0]], S.lang)})]);
        if (S.second) texts.appendChild(h("span", {class: "label-second", lang: S.second, text: parts(T(S.second).scenes[st.scene][4][c[0]], S.second)}));
        label.push(texts);
        list.appendChild(h("li", {}, [h("button", {type: "button", "data-choice": c[0], "aria-keyshortcuts": i < 9 ? String(i + 1) : null,
                                                  onclick: function () { choose(c[0]); }}, label)]));
      });
      box.appendChild(list);
      if (choices.length) box.appendChild(h("p", {class: "hint", text: t("ui.web.choose_hint")}));
    }
    view.appendChild(box);
    renderBar();
    if (focus) {
      document.getElementById("scene-heading").focus();
      announce([S.message, sceneText(T())[0]].concat(S.unlocked.map(function (n) {
        return t("ui.web.note_unlocked", {title: T().notes[n][0]});
      })).filter(Boolean).join(". "));
    }
    S.message = null;
  }

  // -- playing -------------------------------------------------------------------------------
  function tick() {  // reading time, with a long pause counted as IDLE_CAP (classroom.py)
    var now = Date.now();
    if (S.lastSeen !== null) S.record.seconds += Math.min(IDLE_CAP, Math.max(0, Math.round((now - S.lastSeen) / 1000)));
    S.lastSeen = now;
  }
  function notice(output) {
    S.unlocked = output.notes.slice();
    S.defined = [];
    if (S.record.on && output.entered) {
      T().scenes[output.scene][3].forEach(function (p) {
        p[2].forEach(function (s) {
          if (s[0] === "term" && B.terms.indexOf(s[2]) >= 0 && S.record.defined.indexOf(s[2]) < 0) {
            S.record.defined.push(s[2]);
            S.defined.push(s[2]);
          }
        });
      });
    }
    [S.lang, S.second].forEach(function (l) { if (l && S.record.languages.indexOf(l) < 0) S.record.languages.push(l); });
  }
  function choose(id) {
    tick();
    var before = B.scenes[S.game.state.scene].chapter;
    var output = S.game.choose(id);
    var after = B.scenes[S.game.state.scene].chapter;
    S.banner = after !== before;
    notice(output);
    var chapters = S.game.state.ending !== null ? (S.banner ? [before, after] : [after]) : (S.banner ? [before] : []);
    S.record.pending = [];
    if (S.record.on) {
      chapters.forEach(function (c) {
        B.questions.forEach(function (q) {
          if (q[1] === c && !Object.prototype.hasOwnProperty.call(S.record.answers, q[0]) && S.record.pending.indexOf(q[0]) < 0) {
            S.record.pending.push(q[0]);
          }
        });
      });
    }
    S.batch = S.record.pending.length;
    S.endedChapter = chapters[0];
    autosave();
    if (S.record.pending.length) renderQuestion(true);
    else renderScene(true);
  }
  function undo() {
    tick();
    S.unlocked = []; S.defined = []; S.banner = false; S.record.pending = [];
    S.message = S.game.undo() ? t("ui.web.undone") : t("ui.web.undo_nothing");
    autosave();
    renderScene(true);
  }
  function restart() {
    tick();
    var output = S.game.restart();
    notice(output);
    S.banner = true; S.record.pending = [];
    S.message = t("ui.web.restarted");
    autosave();
    renderScene(true);
  }

  // -- reflection questions ------------------------------------------------------------------
  function renderQuestion(focus) {
    S.panel = "question";
    view.textContent = "";
    var qid = S.record.pending[0];
    var q = T().questions[qid], chapter = null;
    B.questions.forEach(function (x) { if (x[0] === qid) chapter = x[1]; });
    var total = Math.max(S.batch || 0, S.record.pending.length), index = total - S.record.pending.length + 1;
    var ending = S.game.state.ending !== null;
    var box = h("section", {"aria-labelledby": "q-heading"});
    box.appendChild(h("h1", {id: "q-heading", tabindex: "-1", text: ending ? t("ui.classroom.story_end")
      : t("ui.classroom.chapter_end", {chapter: T().chapters[S.endedChapter || chapter]})}));
    box.appendChild(h("p", {text: t("ui.classroom.reflect_intro")}));
    box.appendChild(h("p", {class: "meta", text: t("ui.classroom.reflection_n", {n: index, total: total})}));
    paras("q", function (X) { return X.questions[qid][0]; }).forEach(function (el) { el.classList.add("question"); box.appendChild(el); });
    if (q[2]) box.appendChild(h("p", {class: "meta", text: t("ui.classroom.hint", {hint: q[2]})}));
    var area = h("textarea", {id: "answer", maxlength: String(ST.MAX_ANSWER)});
    var status = h("p", {class: "message", role: "status", hidden: true});
    box.appendChild(h("label", {for: "answer", text: t("ui.web.answer_label")}));
    box.appendChild(area);
    box.appendChild(status);
    box.appendChild(h("div", {class: "panel-actions"}, [
      h("button", {type: "button", id: "answer-keep", text: t("ui.web.answer_keep"), onclick: function () {
        if (!area.value.trim()) { status.hidden = false; status.textContent = t("ui.web.answer_empty"); area.focus(); return; }
        tick();
        S.record.answers[qid] = {text: area.value.slice(0, ST.MAX_ANSWER), lang: S.lang, at: new Date().toISOString(), chapter: chapter};
        S.record.skipped = S.record.skipped.filter(function (x) { return x !== qid; });
        nextQuestion(t("ui.classroom.answer_kept"));
      }}),
      h("button", {type: "button", id: "answer-skip", text: t("ui.web.answer_skip"), onclick: function () {
        if (S.record.skipped.indexOf(qid) < 0 && !Object.prototype.hasOwnProperty.call(S.record.answers, qid)) S.record.skipped.push(qid);
        nextQuestion(t("ui.classroom.skipped"));
      }})]));
    view.appendChild(box);
    renderBar();
    if (focus) { document.getElementById("q-heading").focus(); announce(box.querySelector("h1").textContent); }
  }
  function nextQuestion(message) {
    S.record.pending.shift();
    autosave();
    if (S.record.pending.length) { renderQuestion(true); announce(message); return; }
    S.message = message;
    renderScene(true);
  }

  [["renderBar", renderBar], ["renderTools", renderTools], ["renderScene", renderScene], ["renderQuestion", renderQuestion], ["tick", tick], ["notice", notice], ["choose", choose], ["undo", undo], ["restart", restart]].forEach(function (kv) { P[kv[0]] = kv[1]; });
})();
