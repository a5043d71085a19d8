/* Hengyang 1944 -- the page around the engine (runtime.js) and the saves (store.js).
 *
 * Every text from the story is put in the page with createElement/textContent, never as
 * HTML. The game is autosaved in localStorage after every step; named saves sit beside it.
 */
(function () {
  "use strict";
  var RT = window.HengyangRuntime, ST = window.HengyangStore;
  var B = JSON.parse(document.getElementById("bundle").textContent);
  var LANGS = B.story.languages;
  var KEY = "hengyang-web:" + B.story.id + ":";
  var IDLE_CAP = 300;
  var view = document.getElementById("view"), tools = document.getElementById("tools");
  var bar = document.getElementById("bar"), live = document.getElementById("live"), tip = document.getElementById("tip");

  var S = {game: null, lang: B.start_lang, second: B.start_second, record: ST.newRecord(), panel: null,
           banner: false, unlocked: [], defined: [], message: null, lastSeen: null};
  var prefs = {size: 1.125, measure: 36};

  // -- storage (a browser may refuse it: the game goes on, and says so) --------------------
  var storage = null;
  try { storage = window.localStorage; storage.setItem(KEY + "probe", "1"); storage.removeItem(KEY + "probe"); }
  catch (err) { storage = null; }
  function get(name) { try { return storage ? storage.getItem(KEY + name) : null; } catch (err) { return null; } }
  function put(name, value) { try { if (storage) storage.setItem(KEY + name, value); return !!storage; } catch (err) { return false; } }
  function drop(name) { try { if (storage) storage.removeItem(KEY + name); } catch (err) { /* nothing kept */ } }

  // -- texts ---------------------------------------------------------------------------------
  function T(lang) { return B.text[lang || S.lang]; }
  function t(key, subs, lang) {
    var table = T(lang).ui;
    var raw = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : B.text[LANGS[0]].ui[key];
    return raw === undefined ? "[" + key + "]" : ST.fill(raw, subs || {});
  }
  function tl(lang) { return function (key, subs) { return t(key, subs, lang); }; }
  function parts(p, lang) {  // fill placeholder tokens from the state (flags as yes/no)
    if (typeof p === "string") return p;
    var vars = S.game.state.vars;
    return p.map(function (x) {
      if (typeof x === "string") return x;
      var v = vars[x.v];
      return typeof v === "boolean" ? t(v ? "ui.yes" : "ui.no", {}, lang) : String(v);
    }).join("");
  }

  // -- elements ------------------------------------------------------------------------------
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "class") el.className = attrs[k];
      else if (k === "text") el.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== false) el.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c !== null) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return el;
  }
  function announce(text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 30); }

  function termButton(text, id, lang) {
    return h("button", {type: "button", class: "term", "data-term": id, lang: lang, "aria-expanded": "false",
                        onclick: function (ev) { toggleTip(ev.currentTarget, true); },
                        onfocus: function (ev) { toggleTip(ev.currentTarget, false); },
                        onblur: hideTip}, [text]);
  }
  function paragraph(p, lang, extraClass) {
    var el = h("p", {class: "p-" + p[0] + (extraClass ? " " + extraClass : ""), lang: lang});
    if (extraClass) el.appendChild(h("span", {class: "tag", text: t("ui.classroom.tag." + lang, {}, S.lang)}));
    if (p[1] !== null) el.appendChild(h("span", {class: "speaker", text: p[1] + ": "}));
    p[2].forEach(function (span) {
      var text = parts(span[1], lang);
      if (span[0] === "term" && Object.prototype.hasOwnProperty.call(B.text[lang].terms, span[2])) el.appendChild(termButton(text, span[2], lang));
      else el.appendChild(document.createTextNode(text));
    });
    return el;
  }
  function paras(key, getter) {  // the paragraphs of a text, interleaved with the second language
    var out = [], first = getter(T()), second = S.second ? getter(T(S.second)) : null;
    var n = Math.max(first ? first.length : 0, second ? second.length : 0);
    for (var i = 0; i < n; i++) {
      if (first && first[i]) out.push(paragraph(first[i], S.lang));
      if (second && second[i]) out.push(paragraph(second[i], S.second, "second"));
    }
    return out;
  }
  function line(tag, cls, getter) {  // a title or a credit, and its second-language line
    var out = [h(tag, {class: cls, text: getter(T()), lang: S.lang})];
    if (S.second && getter(T(S.second))) {
      var el = h("p", {class: "second", lang: S.second}, [h("span", {class: "tag", text: t("ui.classroom.tag." + S.second)}),
                                                            getter(T(S.second))]);
      out.push(el);
    }
    return out;
  }

  // -- the glossary tip ----------------------------------------------------------------------
  function toggleTip(button, fromClick) {
    var id = button.getAttribute("data-term"), lang = button.getAttribute("lang") || S.lang;
    if (fromClick && !tip.hidden && tip.getAttribute("data-term") === id) { hideTip(); return; }
    var entry = B.text[lang].terms[id];
    tip.textContent = "";
    tip.appendChild(h("strong", {text: entry[0]}));
    entry[1].forEach(function (p) { tip.appendChild(paragraph(p, lang)); });
    tip.setAttribute("data-term", id);
    tip.id = "tip";
    tip.hidden = false;
    button.setAttribute("aria-describedby", "tip");
    button.setAttribute("aria-expanded", "true");
    var r = button.getBoundingClientRect();
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = left + "px";
    tip.style.top = (r.bottom + window.scrollY + 6) + "px";
    if (S.record.looked_up.indexOf(id) < 0) { S.record.looked_up.push(id); autosave(); }
  }
  function hideTip() {
    tip.hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll(".term[aria-expanded=true]"), function (b) {
      b.setAttribute("aria-expanded", "false");
      b.removeAttribute("aria-describedby");
    });
  }

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

  // -- panels --------------------------------------------------------------------------------
  function panel(title, children) {
    hideTip();
    view.textContent = "";
    var box = h("section", {"aria-labelledby": "panel-heading"}, [h("h1", {id: "panel-heading", tabindex: "-1", text: title})]);
    children.forEach(function (c) { if (c) box.appendChild(c); });
    box.appendChild(h("div", {class: "panel-actions"}, [h("button", {type: "button", id: "back", text: t("ui.web.back"), onclick: back})]));
    view.appendChild(box);
    document.getElementById("panel-heading").focus();
  }
  function back() {
    if (S.record.pending.length) renderQuestion(true);
    else renderScene(true);
  }
  function openPanel(name, arg) {
    S.panel = name;
    ({notes: notesPanel, glossary: glossaryPanel, saves: savesPanel, report: reportPanel, settings: settingsPanel})[name](arg);
  }
  function notesPanel(open) {
    var st = S.game.state;
    var items = st.notes.map(function (nid, i) {
      var n = T().notes[nid];
      var d = h("details", {id: "note-" + nid, open: nid === open}, [h("summary", {text: (i + 1) + ". " + n[0]})]);
      if (n[1]) d.appendChild(h("p", {class: "meta", text: n[1]}));
      paras("n", function (X) { return X.notes[nid][2]; }).forEach(function (el) { d.appendChild(el); });
      d.appendChild(h("p", {class: "credit", text: t("ui.note_sources", {sources: n[3]})}));
      return d;
    });
    panel(st.notes.length ? t("ui.web.notes_heading", {n: st.notes.length, total: B.notes.length}) : t("ui.web.notes"),
          items.length ? items : [h("p", {text: t("ui.web.notes_none", {total: B.notes.length})})]);
  }
  function glossaryPanel() {
    var ids = B.terms.slice().sort(function (a, b) { return T().terms[a][0].localeCompare(T().terms[b][0], S.lang); });
    var dl = h("dl", {});
    ids.forEach(function (id) {
      dl.appendChild(h("dt", {}, [h("strong", {text: T().terms[id][0]})]));
      var dd = h("dd", {});
      T().terms[id][1].forEach(function (p) { dd.appendChild(paragraph(p, S.lang)); });
      dl.appendChild(dd);
    });
    panel(t("ui.web.glossary_heading"), [h("p", {class: "hint", text: t("ui.web.term_hint")}), ids.length ? dl : h("p", {text: t("ui.web.glossary_none")})]);
  }
  function slotNames() {
    var out = [];
    if (!storage) return out;
    for (var i = 0; i < storage.length; i++) {
      var k = storage.key(i);
      if (k && k.indexOf(KEY + "save:") === 0) out.push(k.slice((KEY + "save:").length));
    }
    return out.sort();
  }
  function savesPanel() {
    var list = h("ul", {class: "slots"});
    var status = h("p", {class: "message", role: "status", hidden: true});
    function say(text) { status.hidden = false; status.textContent = text; announce(text); }
    ["autosave"].concat(slotNames()).forEach(function (name) {
      var raw = get(name === "autosave" ? "autosave" : "save:" + name);
      if (!raw) return;
      var when = "";
      try { when = ST.localStamp(new Date(JSON.parse(raw).saved_at)); } catch (err) { when = ""; }
      var li = h("li", {}, [h("span", {class: "slot-name", text: (name === "autosave" ? t("ui.web.autosave") : name) + (when ? " · " + when : "")}),
        h("button", {type: "button", "data-load": name, text: t("ui.web.load"), onclick: function () {
          if (restore(raw)) { S.message = t("ui.web.loaded", {slot: name}); autosave(); back(); } else say(t("ui.web.upload_bad"));
        }})]);
      if (name !== "autosave") li.appendChild(h("button", {type: "button", text: t("ui.web.delete"), onclick: function () {
        drop("save:" + name); savesPanel(); announce(t("ui.web.deleted", {slot: name}));
      }}));
      list.appendChild(li);
    });
    var input = h("input", {type: "text", id: "slot", autocomplete: "off", maxlength: "40"});
    var file = h("input", {type: "file", id: "upload", accept: ".json,application/json", onchange: function () {
      var f = file.files && file.files[0];
      if (!f) return;
      var reader = new FileReader();
      reader.onload = function () {
        if (restore(String(reader.result))) { S.message = t("ui.web.loaded", {slot: f.name}); autosave(); back(); }
        else say(t("ui.web.upload_bad"));
      };
      reader.readAsText(f);
    }});
    panel(t("ui.web.saves_heading"), [storage ? null : h("p", {class: "message", text: t("ui.web.storage_off")}), status,
      list.childNodes.length ? list : h("p", {text: t("ui.web.no_saves")}),
      h("label", {for: "slot", text: t("ui.web.save_name")}), input,
      h("div", {class: "panel-actions"}, [h("button", {type: "button", id: "save-slot", text: t("ui.web.save"), onclick: function () {
        var name = input.value.trim();
        if (!ST.SLOT_RE.test(name) || name === "autosave") { say(t("ui.web.slot_invalid", {slot: name})); return; }
        put("save:" + name, JSON.stringify(saveData())) ? (savesPanel(), announce(t("ui.web.saved", {slot: name})))
          : say(t("ui.web.storage_off"));
      }}), h("button", {type: "button", id: "download-save", text: t("ui.web.download_save"), onclick: function () {
        download(B.story.id + "-" + ST.localStamp(new Date()).slice(0, 10) + ".json", JSON.stringify(saveData(), null, 1), "application/json");
      }})]),
      h("label", {for: "upload", text: t("ui.web.upload_save")}), file]);
  }
  function reportPanel() {
    var data = function () { return ST.reportData(B, S.game, S.record, S.lang, tl(S.lang), new Date()); };
    var stem = function () { return ST.reportStem(S.record.student, new Date()); };
    var name = h("input", {type: "text", id: "student", autocomplete: "name", maxlength: "200", value: S.record.student || "",
                           onchange: function () { S.record.student = name.value.trim() || null; autosave(); }});
    function get(kind) {
      S.record.student = name.value.trim() || null;
      tick(); autosave();
      if (kind === "md") download(stem() + ".md", ST.toMarkdown(data()), "text/markdown");
      else if (kind === "html") download(stem() + ".html", ST.toHtml(data(), B.report_css), "text/html");
      else download(stem() + ".json", ST.toJson(data(), B, S.game, S.record), "application/json");
    }
    panel(t("ui.web.report_heading"), [h("p", {text: t("ui.web.report_intro")}),
      h("label", {for: "student", text: t("ui.web.student")}), name,
      h("div", {class: "panel-actions"}, ["md", "html", "json"].map(function (k) {
        return h("button", {type: "button", id: "report-" + k, text: t("ui.web.report_" + k), onclick: function () { get(k); }});
      }))]);
  }
  function settingsPanel() {
    function select(id, options, value, onchange) {
      var s = h("select", {id: id, onchange: function () { onchange(s.value); }});
      options.forEach(function (o) { s.appendChild(h("option", {value: o[0], text: o[1], selected: o[0] === value})); });
      return s;
    }
    var names = function (l) { return t("ui.classroom.lang_name." + l, {}, l); };
    var cb = h("input", {type: "checkbox", id: "classroom", checked: S.record.on, onchange: function () {
      S.record.on = cb.checked; autosave();
    }});
    panel(t("ui.web.settings_heading"), [
      h("label", {for: "lang", text: t("ui.web.language")}),
      select("lang", LANGS.map(function (l) { return [l, names(l)]; }), S.lang, function (v) {
        setLang(v, S.second === v ? null : S.second); openPanel("settings"); document.getElementById("lang").focus();
      }),
      h("label", {for: "second", text: t("ui.web.second")}),
      select("second", [["", t("ui.web.second_none")]].concat(LANGS.filter(function (l) { return l !== S.lang; })
        .map(function (l) { return [l, names(l)]; })), S.second || "", function (v) {
        setLang(S.lang, v || null); openPanel("settings"); document.getElementById("second").focus();
      }),
      h("p", {id: "size-label", class: "meta", text: t("ui.web.text_size")}),
      h("div", {class: "panel-actions", role: "group", "aria-labelledby": "size-label"}, [
        h("button", {type: "button", id: "smaller", text: "A−", "aria-label": t("ui.web.smaller"), onclick: function () { size(-0.125); }}),
        h("button", {type: "button", id: "larger", text: "A+", "aria-label": t("ui.web.larger"), onclick: function () { size(0.125); }})]),
      h("p", {id: "measure-label", class: "meta", text: t("ui.web.measure")}),
      h("div", {class: "panel-actions", role: "group", "aria-labelledby": "measure-label"}, [
        h("button", {type: "button", id: "narrow", text: t("ui.web.narrow"), "aria-pressed": String(prefs.measure <= 32), onclick: function () { measure(30); }}),
        h("button", {type: "button", id: "wide", text: t("ui.web.wide"), "aria-pressed": String(prefs.measure >= 44), onclick: function () { measure(48); }})]),
      h("label", {class: "inline", for: "classroom"}, [cb, t("ui.web.classroom")])]);
  }
  function size(delta) { prefs.size = Math.max(0.875, Math.min(1.75, prefs.size + delta)); applyPrefs(); }
  function measure(value) { prefs.measure = prefs.measure === value ? 36 : value; applyPrefs(); openPanel("settings"); }
  function applyPrefs() {
    document.documentElement.style.setProperty("--size", prefs.size + "rem");
    document.documentElement.style.setProperty("--measure", prefs.measure + "rem");
    put("prefs", JSON.stringify(prefs));
  }
  function setLang(lang, second) {
    S.lang = lang; S.second = second;
    document.documentElement.lang = lang;
    document.title = T().title;
    [S.lang, S.second].forEach(function (l) { if (l && S.record.languages.indexOf(l) < 0) S.record.languages.push(l); });
    renderTools();
    autosave();
    announce(t("ui.web.language_now"));
  }

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
    return true;
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
        if (restore(saved)) {
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
