// 写稿页脚本：a small rich-text toolbar, the check as the editor types
// (findings highlighted in place with the CSS Custom Highlight API, listed
// with one-click fixes) and per-channel previews rendered by the server.
(function () {
  "use strict";

  var T = window.Tongfa;
  if (!T) return;
  var api = T.api, csrf = T.csrf, formJSON = T.formJSON, FIELD = T.FIELD;

  var editor = null;

  function syncBody() {
    var ta = document.getElementById("body");
    if (editor && ta) ta.value = editor.innerHTML;
  }

  function toggle(sectionId, on) {
    var el = document.getElementById(sectionId);
    if (!el) return;
    el.hidden = !on;
    if (el.tagName === "FIELDSET") { el.disabled = !on; }
    el.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !on; });
  }

  function initCompose() {
    editor = document.getElementById("editor");
    var form = document.getElementById("compose");
    if (!editor || !form) return;
    document.querySelectorAll(".toolbar [data-cmd]").forEach(function (b) {
      b.addEventListener("click", function () {
        editor.focus();
        var arg = b.dataset.arg ? "<" + b.dataset.arg + ">" : null;
        document.execCommand(b.dataset.cmd, false, arg);
        scheduleCheck();
      });
    });
    editor.addEventListener("keydown", function (ev) {
      if ((ev.ctrlKey || ev.metaKey) && (ev.key === "b" || ev.key === "i")) {
        ev.preventDefault();
        document.execCommand(ev.key === "b" ? "bold" : "italic");
      }
    });
    editor.addEventListener("paste", function (ev) {
      // Paste as plain text: office documents bring styles the sanitizer drops anyway.
      ev.preventDefault();
      var text = (ev.clipboardData || window.clipboardData).getData("text/plain");
      document.execCommand("insertText", false, text);
    });
    form.querySelectorAll('input[name="kind"]').forEach(function (r) {
      r.addEventListener("change", function () { toggle("reprint", form.querySelector('input[name="kind"]:checked').value === "reprint"); });
    });
    var urgency = document.getElementById("urgency");
    urgency.addEventListener("change", function () { toggle("event-time-wrap", urgency.value === "urgent"); });
    var hasVideo = document.getElementById("has-video");
    hasVideo.addEventListener("change", function () { toggle("video", hasVideo.checked); });
    var exempt = document.getElementById("exempt");
    exempt.addEventListener("change", function () { toggle("exemption", exempt.checked); scheduleCheck(); });
    ["title", "summary", "exemption-basis", "exemption-type"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", scheduleCheck);
    });
    editor.addEventListener("input", scheduleCheck);
    form.addEventListener("change", scheduleCheck);
    form.addEventListener("submit", syncBody); // before console.js posts it
    if (editor.textContent.trim() || document.getElementById("title").value) scheduleCheck();
  }

  var checkTimer = null, checkSeq = 0;

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () { runCheck(); runPreview(); }, 500);
  }

  var previewSeq = 0;

  // runPreview renders the form per channel on the server, with the same
  // renderer the delivery worker uses.
  function runPreview() {
    var form = document.getElementById("compose");
    var box = document.getElementById("previews");
    if (!form || !box) return;
    syncBody();
    var seq = ++previewSeq;
    fetch("/compose/preview", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() }, body: JSON.stringify(formJSON(form)) })
      .then(function (resp) { return resp.ok ? resp.text() : Promise.reject(resp.status); })
      .then(function (html) { if (seq === previewSeq) box.innerHTML = html; },
        function (st) { if (seq === previewSeq) box.textContent = "预览暂不可用（HTTP 状态 " + st + "），请刷新页面后重试"; });
  }

  // bodyText flattens the editor to the text the server checks, with a map
  // from each text node to its offset so findings can be located again.
  function bodyText() {
    var text = "", segs = [];
    var blocks = /^(P|DIV|H[1-6]|LI|BLOCKQUOTE|UL|OL|BR|TR)$/;
    function walk(n) {
      if (n.nodeType === 3) {
        segs.push({ node: n, start: text.length });
        text += n.data;
        return;
      }
      if (n.nodeType !== 1) return;
      var block = blocks.test(n.tagName);
      if (block && text && text[text.length - 1] !== "\n") text += "\n";
      n.childNodes.forEach(walk);
      if (block && text && text[text.length - 1] !== "\n") text += "\n";
    }
    walk(editor);
    return { text: text, segs: segs };
  }

  // byteIndex maps UTF-8 byte offsets (the checker's) to string indexes.
  function byteIndex(str) {
    var map = {}, b = 0, i = 0;
    for (var ch of str) {
      map[b] = i;
      var cp = ch.codePointAt(0);
      b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += ch.length;
    }
    map[b] = i;
    return map;
  }

  function locate(segs, idx, isEnd) {
    for (var k = 0; k < segs.length; k++) {
      var s = segs[k], len = s.node.data.length;
      if (isEnd ? (idx > s.start && idx <= s.start + len) : (idx >= s.start && idx < s.start + len)) {
        return { node: s.node, offset: idx - s.start };
      }
    }
    return null;
  }

  function rangeFor(flat, start, end) {
    var a = locate(flat.segs, start, false), b = locate(flat.segs, end, true);
    if (!a || !b) return null;
    var r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    return r;
  }

  function exemption() {
    var on = document.getElementById("exempt");
    var basis = document.getElementById("exemption-basis");
    if (!on || !on.checked || !basis || basis.value.trim().length < 4) return undefined;
    return { type: document.getElementById("exemption-type").value, basis: basis.value.trim() };
  }

  // checkScope is the unit whose leaders table applies (an edited item's;
  // the server defaults to the editor's) and the day leaders are judged
  // on: the event time when one is given, else today.
  function checkScope() {
    var out = {};
    var unit = document.querySelector('#compose input[name="unit_id"]');
    if (unit && unit.value) out.unit_id = parseInt(unit.value, 10);
    var ev = document.getElementById("event-time");
    if (ev && !ev.disabled && ev.value) out.date = ev.value.slice(0, 10);
    return out;
  }

  function runCheck() {
    var seq = ++checkSeq;
    var flat = bodyText();
    var texts = { title: document.getElementById("title").value, summary: document.getElementById("summary").value, body: flat.text };
    var status = document.getElementById("check-status");
    status.textContent = "正在检查……";
    var ex = exemption(), scope = checkScope();
    var fields = Object.keys(texts).filter(function (k) { return texts[k].trim() !== ""; });
    Promise.all(fields.map(function (k) {
      return api("POST", "/api/v1/check", Object.assign({ text: texts[k], exemption: ex }, scope)).then(function (res) { return { field: k, res: res }; });
    })).then(function (results) {
      if (seq !== checkSeq) return; // a newer check is on its way
      var findings = [], failed = null;
      results.forEach(function (r) {
        if (!r.res.ok) { failed = r.res; return; }
        var map = byteIndex(texts[r.field]);
        (r.res.data.findings || []).forEach(function (f) {
          f.field = r.field;
          f.from = map[f.start];
          f.to = map[f.end];
          findings.push(f);
        });
      });
      if (failed) {
        var e = (failed.data && failed.data.error) || { code: "http_" + failed.status, message: "检查失败" };
        status.textContent = "检查失败：" + e.message + "（错误代码：" + e.code + "）";
        return;
      }
      showFindings(findings, flat);
    });
  }

  function showFindings(findings, flat) {
    var status = document.getElementById("check-status");
    var list = document.getElementById("check-findings");
    var blocking = findings.filter(function (f) { return f.level === "block"; }).length;
    status.textContent = findings.length === 0 ? "未发现问题。" :
      "发现 " + findings.length + " 处问题" + (blocking ? "，其中 " + blocking + " 处必须修改后才能送审" : "") + "。";
    highlight(findings, flat);
    ["title", "summary"].forEach(function (k) {
      var el = document.getElementById(k);
      if (findings.some(function (f) { return f.field === k && f.level === "block"; })) el.setAttribute("aria-invalid", "true");
      else el.removeAttribute("aria-invalid");
    });
    list.textContent = "";
    findings.forEach(function (f) { list.appendChild(findingItem(f)); });
  }

  function highlight(findings, flat) {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    var groups = { block: [], review: [], notice: [] };
    findings.forEach(function (f) {
      if (f.field !== "body") return;
      var r = rangeFor(flat, f.from, f.to);
      if (r) (groups[f.level] || groups.notice).push(r);
    });
    Object.keys(groups).forEach(function (lvl) {
      if (groups[lvl].length) CSS.highlights.set("tf-" + lvl, new Highlight(...groups[lvl]));
      else CSS.highlights.delete("tf-" + lvl);
    });
  }

  function findingItem(f) {
    return T.findingItem(f, { where: FIELD[f.field] || f.field, locate: function () { focusFinding(f); },
      fix: f.replacement && function (li) { if (applyFix(f)) li.remove(); },
      fixLabel: (f.kind === "pii" ? "脱敏为「" : "改为「") + f.replacement + "」" });
  }

  function findingRange(f) {
    var flat = bodyText();
    if (flat.text.slice(f.from, f.to) === f.text) return rangeFor(flat, f.from, f.to);
    var at = flat.text.indexOf(f.text);
    return at < 0 ? null : rangeFor(flat, at, at + f.text.length);
  }

  function inputRange(el, f) {
    var v = el.value;
    if (v.slice(f.from, f.to) === f.text) return [f.from, f.to];
    var at = v.indexOf(f.text);
    return at < 0 ? null : [at, at + f.text.length];
  }

  function focusFinding(f) {
    if (f.field === "body") {
      var r = findingRange(f);
      if (!r) return;
      editor.focus();
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
      r.startContainer.parentElement.scrollIntoView({ block: "center" });
      return;
    }
    var el = document.getElementById(f.field);
    var pos = el && inputRange(el, f);
    if (pos) { el.focus(); el.setSelectionRange(pos[0], pos[1]); }
  }

  // applyFix replaces the finding's text with the checker's drop-in form.
  function applyFix(f) {
    if (f.field === "body") {
      var r = findingRange(f);
      if (!r) return false;
      r.deleteContents();
      r.insertNode(document.createTextNode(f.replacement));
      editor.normalize();
    } else {
      var el = document.getElementById(f.field);
      var pos = el && inputRange(el, f);
      if (!pos) return false;
      el.value = el.value.slice(0, pos[0]) + f.replacement + el.value.slice(pos[1]);
    }
    runCheck();
    return true;
  }

  document.addEventListener("DOMContentLoaded", initCompose);
})();
