// 留言答复脚本：the answer composer on a message page. Templates fill the
// text in one click; a counter shows the channel's limit; the checker's
// verdict comes as the operator types (debounced POST …/answers/check):
// blocking findings with their suggestion, and the text as it will be
// sent, personal data masked. console.js posts the form.
(function () {
  "use strict";

  var T = window.Tongfa;
  if (!T) return;

  var form, text, submit, status;
  var timer = null, seq = 0, blocked = false;

  // blocks mirrors inbox.checkAnswer: personal data is masked, not
  // refused, and the server reports it below the block level.
  function blocks(f) { return f.level === "block"; }

  // chars counts what the server counts: code points of the trimmed text.
  function chars(s) { return Array.from(s.trim()).length; }

  // update shows the count and allows submitting only a text that fits
  // and that the last check did not refuse.
  function update() {
    var n = chars(text.value), limit = parseInt(form.dataset.limit, 10);
    var el = document.getElementById("answer-count");
    el.textContent = n + " / " + limit + " 字" + (n > limit ? "（超出 " + (n - limit) + " 字）" : "");
    el.className = n > limit ? "err" : "muted";
    submit.disabled = blocked || n > limit;
  }

  function schedule() {
    update();
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  function check() {
    var my = ++seq;
    if (!text.value.trim()) {
      show(null);
      return;
    }
    status.textContent = "正在检查……";
    T.api("POST", form.dataset.check, { text: text.value }).then(function (res) {
      if (my !== seq) return; // a newer check is on its way
      if (!res.ok) {
        var e = (res.data && res.data.error) || { code: "http_" + res.status, message: "检查失败" };
        status.textContent = "检查失败：" + e.message + "（错误代码：" + e.code + "），提交时服务器仍会检查。";
        return;
      }
      show(res.data);
    });
  }

  function show(c) {
    var list = document.getElementById("answer-findings");
    var preview = document.getElementById("answer-preview");
    list.textContent = "";
    blocked = !!(c && c.blocked);
    preview.hidden = !c;
    if (blocked) text.setAttribute("aria-invalid", "true");
    else text.removeAttribute("aria-invalid");
    update();
    if (!c) {
      status.textContent = "输入答复后自动检查敏感词和个人信息。";
      return;
    }
    var stops = c.findings.filter(blocks).length + c.problems.length;
    var pii = c.findings.some(function (f) { return f.kind === "pii"; });
    status.textContent = blocked ? "有 " + stops + " 处问题必须修改后才能提交。" :
      !c.findings.length ? "未发现问题，可以提交。" :
      pii ? "可以提交；个人信息将按下方文本脱敏后发送。" : "可以提交；请留意下列提示。";
    c.problems.forEach(function (p) { list.appendChild(problemItem(p)); });
    c.findings.forEach(function (f) { list.appendChild(findingItem(f)); });
    masked(c.masked, c.findings);
  }

  function problemItem(p) {
    var li = document.createElement("li");
    li.className = "finding level-block blocking";
    li.textContent = p;
    return li;
  }

  // findingItem lists a finding; personal data is not a fault here, it is
  // masked in what is sent.
  function findingItem(f) {
    var pii = f.kind === "pii" && !!f.replacement; // the unit's public numbers stay
    var li = T.findingItem(f, { badge: pii ? "将自动脱敏" : "", badgeLevel: pii ? "notice" : "",
      locateLabel: "在答复内容中选中「" + f.text + "」", locate: function () { locate(f); },
      fix: f.replacement && !pii && function () { replace(f); }, fixLabel: "改为「" + f.replacement + "」" });
    if (blocks(f)) li.classList.add("blocking");
    return li;
  }

  function locate(f) {
    var at = text.value.indexOf(f.text);
    if (at < 0) return;
    text.focus();
    text.setSelectionRange(at, at + f.text.length);
  }

  function replace(f) {
    var at = text.value.indexOf(f.text);
    if (at < 0) return;
    text.value = text.value.slice(0, at) + f.replacement + text.value.slice(at + f.text.length);
    text.focus();
    schedule();
  }

  // masked shows the text as it will be sent, with what blocks it and
  // what was masked marked.
  function masked(s, findings) {
    var terms = [];
    findings.forEach(function (f) {
      if (blocks(f)) terms.push({ text: f.text, cls: "hl-block" });
      else if (f.kind === "pii" && f.replacement) terms.push({ text: f.replacement, cls: "hl-pii" });
    });
    var el = document.getElementById("answer-masked");
    el.textContent = "";
    while (s) {
      var next = null;
      terms.forEach(function (t) {
        var at = t.text ? s.indexOf(t.text) : -1;
        if (at >= 0 && (!next || at < next.at)) next = { at: at, term: t };
      });
      if (!next) break;
      el.appendChild(document.createTextNode(s.slice(0, next.at)));
      var mark = document.createElement("mark");
      mark.className = next.term.cls;
      mark.textContent = next.term.text;
      el.appendChild(mark);
      s = s.slice(next.at + next.term.text.length);
    }
    el.appendChild(document.createTextNode(s));
  }

  function useTemplate(b) {
    if (text.value.trim() && text.value !== b.dataset.template && !window.confirm("用模板「" + b.textContent + "」替换已输入的内容？")) return;
    text.value = b.dataset.template;
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
    schedule();
  }

  function init() {
    form = document.getElementById("answer-form");
    if (!form) return;
    text = document.getElementById("answer-text");
    submit = document.getElementById("answer-submit");
    status = document.getElementById("answer-check-status");
    form.querySelectorAll("button[data-template]").forEach(function (b) {
      b.addEventListener("click", function () { useTemplate(b); });
    });
    var priv = document.getElementById("answer-private");
    var reason = document.getElementById("answer-private-reason");
    priv.addEventListener("change", function () {
      document.getElementById("answer-private-wrap").hidden = !priv.checked;
      reason.disabled = !priv.checked;
      if (priv.checked) reason.focus();
    });
    text.addEventListener("input", schedule);
    if (text.value.trim()) schedule();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
