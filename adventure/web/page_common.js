/* Hengyang 1944 -- what every part of the page shares (the page is page_common.js,
 * page_scene.js, page_panels.js and shell.js, inlined in this order after runtime.js, store.js
 * and record.js; each part adds its functions to window.HengyangPage, "P").
 *
 * Here: the bundle, the reader's state S, the browser's storage, the texts, the elements and
 * the glossary tip. Every text from the story is put in the page with createElement/textContent,
 * never as HTML.
 */
(function () {
  "use strict";
  var P = window.HengyangPage = {};
  var ST = window.HengyangStore;
  // A function a later part defines, called through P when it runs.
  P.late = function (name) { return function () { return P[name].apply(null, arguments); }; };
  var autosave = P.late("autosave");
  var B = JSON.parse(document.getElementById("bundle").textContent);
  var LANGS = B.story.languages;
  var KEY = "hengyang-web:" + B.story.id + ":";
  var live = document.getElementById("live"), tip = document.getElementById("tip");

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
    if (p[1] !== null) el.appendChild(h("span", {class: "speaker", text: p[1] + t("ui.speaker_separator", {}, lang)}));
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

  function slotNames() {
    var out = [];
    if (!storage) return out;
    for (var i = 0; i < storage.length; i++) {
      var k = storage.key(i);
      if (k && k.indexOf(KEY + "save:") === 0) out.push(k.slice((KEY + "save:").length));
    }
    return out.sort();
  }

  [["B", B], ["LANGS", LANGS], ["S", S], ["prefs", prefs], ["storage", storage], ["get", get], ["put", put], ["drop", drop],
   ["T", T], ["t", t], ["tl", tl], ["parts", parts], ["h", h], ["announce", announce], ["paragraph", paragraph],
   ["paras", paras], ["line", line], ["toggleTip", toggleTip], ["hideTip", hideTip], ["slotNames", slotNames]]
    .forEach(function (kv) { P[kv[0]] = kv[1]; });
})();
