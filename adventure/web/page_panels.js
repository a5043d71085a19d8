/* Hengyang 1944 -- the toolbar's panels: notes, glossary, saves, report and settings, and the
 * language and reading preferences they change. Part of the page (see page_common.js).
 */
(function () {
  "use strict";
  var P = window.HengyangPage, ST = window.HengyangStore, RC = window.HengyangRecord;
  var B = P.B, LANGS = P.LANGS, S = P.S, prefs = P.prefs, storage = P.storage, get = P.get, put = P.put, drop = P.drop, T = P.T, t = P.t, tl = P.tl, h = P.h, announce = P.announce, paragraph = P.paragraph, paras = P.paras, hideTip = P.hideTip, slotNames = P.slotNames, renderQuestion = P.renderQuestion, renderScene = P.renderScene, renderTools = P.renderTools, tick = P.tick;
  var autosave = P.late("autosave"), restore = P.late("restore"), saveData = P.late("saveData"), download = P.late("download");
  var view = document.getElementById("view");

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
          var said = restore(raw);
          if (said) { S.message = said.concat([t("ui.web.loaded", {slot: name})]).join(" "); autosave(); back(); } else say(t("ui.web.upload_bad"));
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
        var said = restore(String(reader.result));
        if (said) { S.message = said.concat([t("ui.web.loaded", {slot: f.name})]).join(" "); autosave(); back(); }
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
      else {  // the class page's record (record.js); its checksum is a promise (crypto.subtle)
        var file = stem() + ".json";
        RC.recordJson(B, S.game, S.record, S.lang, B.engine + " (web)", new Date()).then(function (text) {
          download(file, text, "application/json");
        });
      }
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

  [["back", back], ["openPanel", openPanel], ["applyPrefs", applyPrefs], ["setLang", setLang]].forEach(function (kv) { P[kv[0]] = kv[1]; });
})();
