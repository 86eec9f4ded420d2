// 统发控制台脚本（无外部依赖）。Forms marked data-api post JSON to the
// /api/v1 endpoints with the session's CSRF header and show errors in
// Chinese with their stable code; countdowns tick every second.
(function () {
  "use strict";

  var KIND = { word: "敏感词", expression: "表述错误", secret: "涉密标识", ad: "商业广告", pii: "个人信息" };
  var LEVEL = { block: "必须修改", review: "需审核关注", notice: "提示" };
  var FIELD = { title: "标题", summary: "摘要", body: "正文", "source.unit": "来源单位", "source.author": "原作者", "source.title": "原标题",
    "source.url": "原文链接", "source.reprinted_at": "转载时间", category: "栏目分类", kind: "稿件类型", importance: "重要程度",
    urgency: "紧急程度", event_time: "事件发生时间", targets: "发布渠道", "exemption.type": "豁免类型", "exemption.basis": "法定依据",
    comment: "审签意见", password: "密码", reason: "原因", version_hash: "版本" };

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }

  // api sends a JSON request and resolves to {ok, status, data}; network
  // failures resolve too, with a synthetic error body.
  function api(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(url, opts).then(function (resp) {
      return resp.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        return { ok: resp.ok, status: resp.status, data: data };
      });
    }, function () {
      return { ok: false, status: 0, data: { error: { code: "network", message: "网络错误，请检查网络后重试" } } };
    });
  }

  // ---- forms posting JSON ----

  function setPath(obj, path, value, many) {
    var keys = path.split(".");
    var o = obj;
    for (var i = 0; i < keys.length - 1; i++) {
      o = o[keys[i]] = o[keys[i]] || {};
    }
    var k = keys[keys.length - 1];
    if (many) {
      (o[k] = o[k] || []).push(value);
    } else {
      o[k] = value;
    }
  }

  function fieldValue(el) {
    var v = el.value;
    switch (el.dataset.type) {
      case "int": return parseInt(v, 10);
      case "datetime": return v.length === 16 ? v + ":00+08:00" : v; // datetime-local is China time
    }
    return v;
  }

  function formJSON(form, submitter) {
    var out = {};
    var arrays = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.matches(":disabled") || el.name === "csrf_token" || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox" && (el.dataset.type === "int" || el.dataset.many !== undefined)) {
        arrays[el.name] = true;
        if (el.checked) setPath(out, el.name, fieldValue(el), true);
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.value === "") return;
      setPath(out, el.name, fieldValue(el), false);
    });
    Object.keys(arrays).forEach(function (k) { if (!out[k]) out[k] = []; });
    if (submitter && submitter.name) setPath(out, submitter.name, submitter.value, false);
    return out;
  }

  function errorBox(form) {
    return form.querySelector(".errorbox") || document.querySelector(".errorbox");
  }

  function clearErrors(form) {
    var box = errorBox(form);
    if (box) { box.hidden = true; box.textContent = ""; }
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function fieldElement(form, name) {
    if (name === "body") return document.getElementById("editor");
    return form.querySelector('[name="' + name.replace(/"/g, "") + '"]');
  }

  // showError shows an API error in Chinese with its stable code, lists
  // field errors and blocking findings, and marks the fields.
  function showError(form, res) {
    var e = (res.data && res.data.error) || { code: "http_" + res.status, message: "请求失败" };
    var box = errorBox(form);
    if (!box) { alert(e.message + "（错误代码：" + e.code + "）"); return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = e.message + "（错误代码：" + e.code + "）";
    box.appendChild(p);
    var ul = document.createElement("ul");
    Object.keys(e.fields || {}).forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = (FIELD[name] || name) + "：" + e.fields[name];
      ul.appendChild(li);
      var el = fieldElement(form, name);
      if (el) el.setAttribute("aria-invalid", "true");
    });
    var findings = e.data && e.data.findings;
    (findings || []).forEach(function (f) {
      if (f.level !== "block") return;
      var li = document.createElement("li");
      li.textContent = (FIELD[f.field] || "") + (KIND[f.kind] || f.kind) + "「" + f.text + "」" + (f.suggestion ? "：" + f.suggestion : "");
      ul.appendChild(li);
    });
    if (ul.children.length) box.appendChild(ul);
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.dataset || !form.dataset.api) return;
    ev.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    clearErrors(form);
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    var body = formJSON(form, ev.submitter);
    api(form.dataset.method || "POST", form.dataset.api, body).then(function (res) {
      buttons.forEach(function (b) { b.disabled = false; });
      if (!res.ok) { showError(form, res); return; }
      var next = form.dataset.next;
      if (next) {
        var id = res.data && (res.data.id || res.data.item_id);
        window.location.assign(next.replace("{id}", id));
      } else {
        window.location.reload();
      }
    });
  });

  // ---- countdowns ----

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var s = Math.round((Date.parse(el.dataset.deadline) - now) / 1000);
      var prefix = s < 0 ? "已超时" : "剩余";
      s = Math.abs(s);
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      el.textContent = prefix + " " + (h ? h + " 小时 " : "") + m + " 分 " + (h ? "" : sec + " 秒");
    });
  }
  setInterval(tick, 1000);

  // initPlatform shows the credential fields of the chosen platform only.
  function initPlatform() {
    var sel = document.getElementById("account-platform");
    if (!sel) return;
    function show() {
      document.querySelectorAll("[data-platform]").forEach(function (sec) {
        var on = sec.dataset.platform === sel.value;
        sec.hidden = !on;
        sec.disabled = !on;
      });
    }
    sel.addEventListener("change", show);
    show();
  }

  // Shared with compose.js.
  window.Tongfa = { api: api, csrf: csrf, formJSON: formJSON, KIND: KIND, LEVEL: LEVEL, FIELD: FIELD };

  document.addEventListener("DOMContentLoaded", function () {
    initPlatform();
    tick();
  });
})();
