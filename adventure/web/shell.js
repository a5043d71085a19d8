/* Hengyang 1944 -- the page's start: saves (the autosave after every step, restoring one, a
 * download), the title screen, a new game and the keys. Part of the page (see page_common.js);
 * this part runs last and opens the title screen.
 */
(function () {
  "use strict";
  var P = window.HengyangPage, RT = window.HengyangRuntime, ST = window.HengyangStore;
  var B = P.B, LANGS = P.LANGS, S = P.S, prefs = P.prefs, storage = P.storage, get = P.get, put = P.put, T = P.T, t = P.t;
  var h = P.h, paragraph = P.paragraph, hideTip = P.hideTip, renderScene = P.renderScene, renderQuestion = P.renderQuestion;
  var notice = P.notice, back = P.back, setLang = P.setLang, applyPrefs = P.applyPrefs;
  var view = document.getElementById("view"), tools = document.getElementById("tools"), bar = document.getElementById("bar");
  var tip = document.getElementById("tip");

  // -- saves ---------------------------------------------------------------------------------
  function saveData() {
    return ST.encode(B, S.game, S.lang, {classroom: S.record, trail: S.game.trail.slice(-S.game.history.length),
                                         web: {second: S.second}}, new Date().toISOString());
  }
  function autosave() {  // a browser that refuses (storage off, or full) is said once, not at every step
    if (S.game && !put("autosave", JSON.stringify(saveData())) && !S.warned) {
      S.warned = true;
      S.message = t("ui.web.storage_off");
    }
  }
  // Restore a save's text: false if it cannot be read, or what the load has to say (the
  // terminal's messages for a save that no longer fits a changed story, as texts).
  function restore(raw) {
    var loaded;
    try { loaded = ST.decode(B, JSON.parse(raw)); } catch (err) { return false; }
    var trail = loaded.trail.slice(-loaded.history.length);
    while (trail.length < loaded.history.length) trail.unshift(null);
    S.game = new RT.Game(B, loaded.state, loaded.history, loaded.history.length ? trail : []);
    S.record = loaded.record;
    S.unlocked = []; S.defined = []; S.banner = true;
    var second = loaded.web && LANGS.indexOf(loaded.web.second) >= 0 && loaded.web.second !== loaded.lang ? loaded.web.second : null;
    setLang(loaded.lang, second);
    return loaded.messages.map(function (m) { return t(m[0], m[1]); });
  }
  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], {type: type + ";charset=utf-8"}));
    var a = h("a", {href: url, download: name});
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // -- the title screen and the start ------------------------------------------------------
  function titleScreen() {
    view.textContent = "";
    tools.hidden = true; bar.hidden = true;
    var box = h("section", {}, [h("h1", {id: "title-heading", tabindex: "-1", text: T().title})]);
    if (T().subtitle) box.appendChild(h("p", {class: "meta", text: T().subtitle}));
    if (T().content_note) {
      box.appendChild(h("h2", {text: t("ui.content_note_heading")}));
      T().content_note.forEach(function (p) { box.appendChild(paragraph(p, S.lang)); });
    }
    var saved = get("autosave"), actions = h("div", {class: "panel-actions"});
    var loaded = null;
    try { loaded = saved ? ST.decode(B, JSON.parse(saved)) : null; } catch (err) { loaded = null; }
    if (loaded) {
      box.appendChild(h("p", {class: "message", text: t("ui.web.continue_from", {scene: T().scenes[loaded.state.scene][0],
        when: ST.localStamp(new Date(JSON.parse(saved).saved_at))})}));
      actions.appendChild(h("button", {type: "button", id: "continue", text: t("ui.web.continue"), onclick: function () {
        var said = restore(saved);
        if (said) {
          S.message = said.join(" ") || null;
          S.record.sittings += 1;  // a new sitting: the page was opened again
          S.lastSeen = Date.now();
          autosave();
          renderScene(true);
          if (S.record.pending.length) renderQuestion(true);
        }
      }}));
    }
    actions.appendChild(h("button", {type: "button", id: "begin", text: t("ui.web.begin"), onclick: begin}));
    box.appendChild(actions);
    LANGS.forEach(function (l) {
      if (l !== S.lang) box.appendChild(h("p", {}, [h("button", {type: "button", lang: l, "data-lang": l, text: t("ui.classroom.lang_name." + l, {}, l),
        onclick: function () { S.lang = l; S.second = null; document.documentElement.lang = l; titleScreen(); }})]));
    });
    if (!storage) box.appendChild(h("p", {class: "message", text: t("ui.web.storage_off")}));
    view.appendChild(box);
    document.getElementById("story-title").textContent = T().title;
    document.getElementById("skip").textContent = t("ui.web.skip_link");
    document.title = T().title;
    (document.getElementById("continue") || document.getElementById("begin")).focus();
  }
  function begin() {
    var old = get("autosave");
    if (old) put("autosave-previous", old);
    S.game = new RT.Game(B);
    S.record = ST.newRecord();
    S.record.on = !!B.classroom;
    S.record.sittings = 1;
    S.record.started = new Date().toISOString();
    S.lastSeen = Date.now();
    notice({notes: S.game.state.notes, entered: true, scene: S.game.state.scene});
    S.banner = true;
    setLang(S.lang, S.second);
    renderScene(true);
  }

  [["saveData", saveData], ["autosave", autosave], ["restore", restore], ["download", download]]
    .forEach(function (kv) { P[kv[0]] = kv[1]; });

  document.addEventListener("keydown", function (ev) {
    var tag = ev.target && ev.target.tagName;
    if (ev.key === "Escape") { hideTip(); if (S.panel && S.panel !== "question") back(); return; }
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (S.panel === null && S.game && /^[1-9]$/.test(ev.key)) {
      var buttons = view.querySelectorAll(".choices button");
      var b = buttons[Number(ev.key) - 1];
      if (b) { ev.preventDefault(); b.click(); }
    }
  });
  document.addEventListener("click", function (ev) {
    if (!tip.hidden && !(ev.target.closest && (ev.target.closest(".term") || ev.target.closest("#tip")))) hideTip();
  });

  try { var p = JSON.parse(get("prefs") || "{}"); if (typeof p.size === "number") prefs.size = p.size; if (typeof p.measure === "number") prefs.measure = p.measure; }
  catch (err) { /* defaults */ }
  applyPrefs();
  document.documentElement.lang = S.lang;
  titleScreen();
})();
