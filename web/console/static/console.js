// 统发控制台脚本（无外部依赖）。Forms marked data-api post JSON to the
// /api/v1 endpoints with the session's CSRF header and show errors in
// Chinese with their stable code; countdowns tick every second.
// A form may also send a text field or a chosen file as the raw body
// (data-raw), and a submit button may post to its own endpoint (data-api)
// and ask its own confirmation (data-confirm).
(function () {
  "use strict";

  var KIND = { word: "敏感词", expression: "表述错误", secret: "涉密标识", ad: "商业广告", pii: "个人信息", leader: "领导职务核对", media: "文件" };
  var LEVEL = { block: "必须修改", review: "需审核关注", notice: "提示" };
  var FIELD = { title: "标题", summary: "摘要", body: "正文", "source.unit": "来源单位", "source.author": "原作者", "source.title": "原标题",
    "source.url": "原文链接", "source.reprinted_at": "转载时间", category: "栏目分类", kind: "稿件类型", importance: "重要程度",
    urgency: "紧急程度", event_time: "事件发生时间", targets: "发布渠道", "exemption.type": "豁免类型", "exemption.basis": "法定依据",
    "video.file": "视频文件", "video.cover": "视频封面", "video.title": "视频标题", "video.description": "视频简介", "video.subtitles": "字幕文件",
    comment: "审签意见", password: "密码", reason: "原因", version_hash: "版本", delegate_id: "受托人", starts_at: "开始时间",
    ends_at: "结束时间", unit_id: "单位", role: "角色", content: "内容", note: "说明", days: "延期工作日", user_id: "处理人",
    text: "答复内容", private_reason: "不公开理由", body_hash: "答复版本", decision: "审签决定", delivered: "是否已送达",
    "account.name": "账号名称", "account.api_base": "接口地址", "account.platform_ref": "平台账号或链接", "account.responsible": "责任领导", attachments: "附件", cover: "封面", "media.alt": "替代文字", "media.caption": "图片说明",
    item_id: "稿件", account_ids: "转发账号", unit_ids: "转发单位", deadline: "截止时间", new_password: "新密码" };

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }

  // api sends a JSON request (a string or a file goes as it is) and
  // resolves to {ok, status, data}; network failures resolve too, with a
  // synthetic error body.
  function api(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } };
    if (body instanceof FormData) {
      opts.body = body; // multipart/form-data with its boundary, set by the browser
    } else if (typeof body === "string" || body instanceof Blob) {
      opts.headers["Content-Type"] = "text/plain; charset=utf-8";
      opts.body = body;
    } else if (body !== undefined) {
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
      case "bool": return v === "true";
      case "json": return JSON.parse(v); // values the form keeps as they are (e.g. an account's managers)
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
      if (el.dataset.many !== undefined && el.tagName === "SELECT") {
        // Selects of one list in order (an edition's articles): the
        // chosen values, in the page's order, blanks left out.
        arrays[el.name] = true;
        if (el.value !== "") setPath(out, el.name, fieldValue(el), true);
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.value === "") return;
      setPath(out, el.name, fieldValue(el), false);
    });
    Object.keys(arrays).forEach(function (k) { if (!out[k]) out[k] = []; });
    if (submitter && submitter.name) setPath(out, submitter.name, fieldValue(submitter), false);
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
    // A form whose error is about one field (a policy or calendar file)
    // marks that field and points it at the message.
    var target = form.dataset.errorField && fieldElement(form, form.dataset.errorField);
    if (target) {
      box.id = box.id || form.id + "-error";
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", box.id);
    }
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  // requestBody is the form as JSON, or for data-raw="field" the chosen
  // file of the form's file input, else that field's text.
  function requestBody(form, submitter) {
    var raw = form.dataset.raw;
    if (!raw) return formJSON(form, submitter);
    var file = form.querySelector("input[type=file]");
    if (file && file.files.length) return file.files[0];
    return form.elements[raw].value;
  }

  // initFiles: choosing a file replaces the pasted text (data-raw forms),
  // so the text field is no longer required.
  function initFiles() {
    document.querySelectorAll("form[data-raw] input[type=file]").forEach(function (file) {
      var text = file.form.elements[file.form.dataset.raw];
      file.addEventListener("change", function () {
        var chosen = file.files.length > 0;
        text.required = !chosen;
        text.disabled = chosen;
      });
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.dataset || !form.dataset.api) return;
    ev.preventDefault();
    var question = (ev.submitter && ev.submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) return;
    clearErrors(form);
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    var url = (ev.submitter && ev.submitter.dataset.api) || form.dataset.api;
    api(form.dataset.method || "POST", url, requestBody(form, ev.submitter)).then(function (res) {
      buttons.forEach(function (b) { b.disabled = false; });
      if (!res.ok) { showError(form, res); return; }
      // data-show: a value shown once in place (a temporary password),
      // not kept anywhere a reload could bring back.
      if (form.dataset.show) {
        var out = document.getElementById(form.dataset.showIn);
        out.querySelector("[data-value]").textContent = res.data[form.dataset.show];
        out.hidden = false;
        out.focus();
        return;
      }
      var next = form.dataset.next;
      if (next) {
        var id = res.data && (res.data.id || res.data.item_id);
        window.location.assign(next.replace("{id}", id));
      } else {
        window.location.reload();
      }
    });
  });

  // ---- uploads (data-upload): each chosen or dropped file goes on its
  // own as multipart/form-data to the form's endpoint; the page reloads
  // once every file is stored, and a refused file is named with the reason.

  function uploadFiles(form, files) {
    var list = Array.prototype.slice.call(files || []);
    if (!list.length) return;
    clearErrors(form);
    var status = form.querySelector("[role=status]");
    var done = 0, refused = [];
    list.forEach(function (f) {
      var fd = new FormData();
      fd.append("file", f, f.name);
      api("POST", form.dataset.upload, fd).then(function (res) {
        done++;
        if (!res.ok) {
          var e = (res.data && res.data.error) || { code: "http_" + res.status, message: "上传失败" };
          refused.push("「" + f.name + "」" + e.message + "（错误代码：" + e.code + "）");
        }
        if (status) status.textContent = "已处理 " + done + " / " + list.length + " 个文件";
        if (done < list.length) return;
        if (!refused.length) { window.location.reload(); return; }
        var box = errorBox(form);
        if (box) { box.textContent = "上传失败：" + refused.join("；"); box.hidden = false; }
      });
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.dataset || !form.dataset.upload) return;
    ev.preventDefault();
    uploadFiles(form, form.querySelector("input[type=file]").files);
  });

  // dropZone marks el while files are dragged over it and hands the
  // dropped ones to onFiles (the media library's form, compose's zone).
  function dropZone(el, onFiles) {
    ["dragenter", "dragover"].forEach(function (t) {
      el.addEventListener(t, function (ev) { ev.preventDefault(); el.classList.add("over"); });
    });
    el.addEventListener("dragleave", function () { el.classList.remove("over"); });
    el.addEventListener("drop", function (ev) {
      ev.preventDefault();
      el.classList.remove("over");
      if (ev.dataTransfer && ev.dataTransfer.files.length) onFiles(ev.dataTransfer.files);
    });
  }

  function initUploads() {
    document.querySelectorAll("form[data-upload]").forEach(function (form) {
      dropZone(form, function (files) { uploadFiles(form, files); });
    });
  }

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

  // ---- checker findings (compose.js, answer.js) ----

  function smallButton(label, cls, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // findingItem lists one checker finding: its level (o.badge overrides
  // the label, o.badgeLevel the colour), kind and place (o.where), the
  // text, the suggestion, a button to select it (o.locate) and, where the
  // page can apply the checker's drop-in form, one to apply it (o.fix,
  // called with the item, labelled o.fixLabel).
  function findingItem(f, o) {
    var li = document.createElement("li");
    li.className = "finding level-" + f.level;
    li.dataset.level = f.level;
    li.dataset.kind = f.kind;
    var badge = document.createElement("span");
    badge.className = "badge level-" + (o.badgeLevel || f.level);
    badge.textContent = o.badge || LEVEL[f.level] || f.level;
    li.appendChild(badge);
    li.appendChild(document.createTextNode(" " + (KIND[f.kind] || f.kind) + (o.where ? " · " + o.where : "") + "："));
    var mark = document.createElement("mark");
    mark.textContent = f.text;
    li.appendChild(mark);
    if (f.suggestion) {
      var s = document.createElement("div");
      s.className = "suggestion";
      s.textContent = "建议：" + f.suggestion;
      li.appendChild(s);
    }
    var actions = document.createElement("div");
    var go = smallButton("定位", "locate", o.locate);
    go.setAttribute("aria-label", o.locateLabel || "定位「" + f.text + "」");
    actions.appendChild(go);
    if (o.fix) actions.appendChild(smallButton(o.fixLabel, "fix", function () { o.fix(li); }));
    li.appendChild(actions);
    return li;
  }

  // Shared with compose.js and answer.js.
  window.Tongfa = { api: api, csrf: csrf, formJSON: formJSON, findingItem: findingItem, dropZone: dropZone, KIND: KIND, LEVEL: LEVEL, FIELD: FIELD };

  document.addEventListener("DOMContentLoaded", function () {
    initPlatform();
    initUploads();
    initFiles();
    tick();
  });
})();
