// 写稿页脚本：the body in the vendored Quill editor (static/vendor/quill,
// served from the binary), the check as the editor types (findings
// highlighted in place with the CSS Custom Highlight API, listed with
// one-click fixes), per-channel previews rendered by the server, and
// pictures and attachments uploaded to the media library.
(function () {
  "use strict";

  var T = window.Tongfa;
  if (!T) return;
  var api = T.api, csrf = T.csrf, formJSON = T.formJSON, FIELD = T.FIELD;

  var editor = null, quill = null;

  // FORMATS are what the editor keeps, of pasted Word documents too: the
  // structure the sanitizer lets through, no colours, fonts or sizes.
  var FORMATS = ["bold", "italic", "header", "list", "blockquote", "link", "image", "table"];

  // bodyHTML is the body as the server receives it (and sanitizes again).
  function bodyHTML() {
    if (!quill) return editor ? editor.innerHTML : "";
    if (quill.getText().trim() === "" && !editor.querySelector("img")) return "";
    // Quill 2.0.3 writes every space as &nbsp;.
    return quill.getSemanticHTML().replace(/&nbsp;/g, " ");
  }

  function syncBody() {
    var ta = document.getElementById("body");
    if (editor && ta) ta.value = bodyHTML();
  }

  // initEditor mounts Quill on the body; without it (the script failed to
  // load) the box is a plain contenteditable.
  function initEditor() {
    var box = document.getElementById("editor-box");
    if (!box) return null;
    var root = box;
    if (window.Quill) {
      quill = new window.Quill(box, {
        theme: "snow", formats: FORMATS, placeholder: "在此输入正文",
        modules: {
          table: true,
          toolbar: { container: "#toolbar", handlers: { image: chooseImages, "table-insert": insertTable } },
          uploader: { handler: function (range, files) { uploadAll(files, range ? range.index : null); } }
        }
      });
      root = quill.root;
      root.addEventListener("paste", pasteWithoutStyles, true);
    } else {
      box.contentEditable = "true";
    }
    root.id = "editor";
    root.classList.add("rich");
    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    root.setAttribute("aria-labelledby", "body-label");
    root.dataset.field = "body";
    return root;
  }

  // pasteWithoutStyles drops the style attributes of pasted HTML (Word's
  // fonts and colours) before Quill parses it: the editor keeps none of
  // them anyway, and parsing them would break the page's
  // Content-Security-Policy (no inline styles) with a report per paste.
  function pasteWithoutStyles(ev) {
    var cd = ev.clipboardData;
    var html = cd && cd.getData("text/html");
    if (!html || !/\sstyle\s*=/i.test(html)) return; // Quill's own paste
    ev.preventDefault();
    ev.stopImmediatePropagation();
    html = html.replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "");
    quill.clipboard.onPaste(quill.getSelection(true), { html: html, text: cd.getData("text/plain") });
  }

  // insertTable is the toolbar's table button: three rows of three cells
  // at the caret (Quill's table module; the sanitizer keeps tables).
  function insertTable() {
    var sel = quill.getSelection(true);
    var line = quill.getLine(sel.index), at = sel.index;
    // The table takes the text before the caret on its line as its first
    // cell: start it on a line of its own.
    if (line[0] && line[1] > 0) {
      quill.insertText(at, "\n", "user");
      at += 1;
    }
    quill.setSelection(at, 0, "user");
    quill.getModule("table").insertTable(3, 3);
  }

  // chooseImages is the toolbar's picture button: the files chosen go to
  // the media library and the pictures into the body at the caret.
  var insertChosen = null;
  function chooseImages() {
    var sel = quill && quill.getSelection();
    insertChosen = sel ? sel.index : (quill ? quill.getLength() - 1 : 0);
    document.getElementById("media-file").click();
  }

  function toggle(sectionId, on) {
    var el = document.getElementById(sectionId);
    if (!el) return;
    el.hidden = !on;
    if (el.tagName === "FIELDSET") { el.disabled = !on; }
    el.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !on; });
  }

  function initCompose() {
    var form = document.getElementById("compose");
    if (!form) return;
    editor = initEditor();
    if (!editor) return;
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
    if (quill) quill.on("text-change", scheduleCheck);
    else editor.addEventListener("input", scheduleCheck);
    form.addEventListener("change", scheduleCheck);
    form.addEventListener("submit", syncBody); // before console.js posts it
    if (editor.textContent.trim() || document.getElementById("title").value) scheduleCheck();
    initMedia();
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

  // quillIndex is the editor's index of a text position (a text node and
  // an offset in it), or null.
  function quillIndex(node, offset) {
    if (node.nodeType !== 3) return null;
    var blot = window.Quill.find(node);
    return blot && blot.offset ? blot.offset(quill.scroll) + offset : null;
  }

  // applyFix replaces the finding's text with the checker's drop-in form.
  function applyFix(f) {
    if (f.field === "body") {
      var r = findingRange(f);
      if (!r) return false;
      var from = quill && quillIndex(r.startContainer, r.startOffset), to = quill && quillIndex(r.endContainer, r.endOffset);
      if (quill && from !== null && to !== null) {
        quill.deleteText(from, to - from, "user");
        quill.insertText(from, f.replacement, "user");
      } else {
        r.deleteContents();
        r.insertNode(document.createTextNode(f.replacement));
        editor.normalize();
      }
    } else {
      var el = document.getElementById(f.field);
      var pos = el && inputRange(el, f);
      if (!pos) return false;
      el.value = el.value.slice(0, pos[0]) + f.replacement + el.value.slice(pos[1]);
    }
    runCheck();
    return true;
  }


  // ---- pictures and attachments: uploaded to the media library ----
  //
  // Files dropped on the drop zone or chosen in its file input go up to
  // POST /api/v1/media (multipart, with a progress bar); each is listed
  // with what it is to the item (a document is an attachment, a picture
  // can be inserted into the body or made the cover), its alternative
  // text, and its findings located inside it (GET /api/v1/media/{hash}/check).

  var IMAGE = { jpeg: true, png: true, gif: true, webp: true };
  var MASKABLE = { xlsx: true, docx: true, csv: true, txt: true };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function sizeText(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    if (n >= 1024) return (n / 1024).toFixed(1) + " KB";
    return n + " 字节";
  }

  function attachments() {
    var f = document.getElementById("attachments");
    try { return JSON.parse(f.value || "[]"); } catch (e) { return []; }
  }

  function setAttachment(hash, on) {
    var list = attachments().filter(function (h) { return h !== hash; });
    if (on) list.push(hash);
    document.getElementById("attachments").value = JSON.stringify(list);
  }

  function mediaStatus(text) {
    var st = document.getElementById("media-status");
    if (st) st.textContent = text;
  }

  function initMedia() {
    var zone = document.getElementById("dropzone"), input = document.getElementById("media-file");
    var list = document.getElementById("media-list");
    if (!zone || !input || !list) return;
    input.addEventListener("change", function () {
      uploadAll(input.files, insertChosen);
      insertChosen = null;
      input.value = "";
    });
    T.dropZone(zone, function (files) { uploadAll(files, null); });
    var files = [];
    try { files = JSON.parse(list.dataset.files || "[]"); } catch (e) { files = []; }
    files.forEach(function (o) {
      var li = fileEntry(o.name);
      list.appendChild(li);
      showFile(li, o, o.role);
    });
  }

  // uploadAll uploads files; at is where their pictures go into the body
  // (null: they are only listed).
  function uploadAll(files, at) {
    Array.prototype.forEach.call(files, function (f) { upload(f, at); });
  }

  function fileEntry(name) {
    var li = el("li", "file");
    var info = el("div", "file-info");
    var head = el("p", "file-name");
    head.appendChild(el("span", "name", name));
    info.appendChild(head);
    li.appendChild(info);
    return li;
  }

  // upload sends one file with a progress bar; errors are shown on its entry.
  function upload(file, at) {
    var list = document.getElementById("media-list");
    var li = fileEntry(file.name);
    var info = li.querySelector(".file-info");
    var bar = el("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "「" + file.name + "」上传进度");
    var state = el("p", "muted upload-state", "正在上传……");
    info.appendChild(bar);
    info.appendChild(state);
    list.appendChild(li);
    mediaStatus("正在上传「" + file.name + "」");
    var unit = document.querySelector('#compose input[name="unit_id"]');
    var url = "/api/v1/media" + (unit && unit.value ? "?unit_id=" + encodeURIComponent(unit.value) : "");
    var fd = new FormData();
    fd.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) {
        bar.value = Math.round(ev.loaded * 100 / ev.total);
        state.textContent = "正在上传 " + bar.value + "%";
      }
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      bar.remove();
      if (xhr.status !== 201 || !data || !data.hash) {
        var e = (data && data.error) || { code: "http_" + xhr.status, message: "上传失败" };
        state.className = "err upload-state";
        state.textContent = "「" + file.name + "」上传失败：" + e.message + "（错误代码：" + e.code + "）";
        li.classList.add("failed");
        mediaStatus(state.textContent);
        return;
      }
      state.remove();
      var role = IMAGE[data.type] ? "" : "attachments";
      if (role) setAttachment(data.hash, true);
      showFile(li, data, role);
      if (!role && at !== null && at !== undefined) insertPicture(data, at);
      mediaStatus("「" + file.name + "」已上传" + (role ? "，作为附件" : "") + "，正在检查……");
    });
    xhr.addEventListener("error", function () {
      bar.remove();
      state.className = "err upload-state";
      state.textContent = "「" + file.name + "」上传失败：网络错误，请检查网络后重试（错误代码：network）";
      mediaStatus(state.textContent);
    });
    xhr.send(fd);
  }

  // showFile fills an entry with the stored file: its preview, what it is
  // to the item, its alt text (pictures) and its findings.
  function showFile(li, o, role) {
    li.dataset.hash = o.hash;
    li.dataset.type = o.type;
    li.id = "file-" + o.hash;
    var info = li.querySelector(".file-info");
    var head = info.querySelector(".file-name");
    head.textContent = "";
    var link = el("a", "", o.name);
    link.href = "/media/" + o.hash;
    link.target = "_blank";
    link.rel = "noopener";
    head.appendChild(link);
    head.appendChild(el("span", "muted", " " + sizeText(o.size) + (o.width ? " · " + o.width + "×" + o.height : "")));
    var tools = el("div", "file-tools");
    if (IMAGE[o.type]) {
      var img = el("img", "thumb");
      img.src = "/media/" + o.hash;
      img.alt = o.alt || "";
      li.insertBefore(img, info);
      var cover = el("label", "checkline");
      var cb = el("input");
      cb.type = "checkbox";
      cb.className = "as-cover";
      cb.checked = role === "cover" || document.getElementById("cover").value === "/media/" + o.hash;
      cb.addEventListener("change", function () {
        document.querySelectorAll("#media-list .as-cover").forEach(function (x) { if (x !== cb) x.checked = false; });
        document.getElementById("cover").value = cb.checked ? "/media/" + o.hash : "";
        scheduleCheck();
      });
      cover.appendChild(cb);
      cover.appendChild(document.createTextNode(" 设为封面"));
      tools.appendChild(cover);
      var ins = el("button", "insert", "插入正文");
      ins.type = "button";
      ins.addEventListener("click", function () { insertPicture(o, null); });
      tools.appendChild(ins);
      tools.appendChild(altForm(li, o));
    } else {
      var att = el("label", "checkline");
      var ab = el("input");
      ab.type = "checkbox";
      ab.className = "as-attachment";
      ab.checked = attachments().indexOf(o.hash) >= 0;
      ab.addEventListener("change", function () { setAttachment(o.hash, ab.checked); });
      att.appendChild(ab);
      att.appendChild(document.createTextNode(" 作为附件随稿件发布"));
      tools.appendChild(att);
    }
    info.appendChild(tools);
    var ul = el("ul", "findings file-findings");
    ul.setAttribute("aria-live", "polite");
    info.appendChild(ul);
    checkFile(li, o);
  }

  // altForm edits a picture's alternative text (PUT /api/v1/media/{hash}).
  function altForm(li, o) {
    var box = el("div", "alt-text");
    var id = "alt-" + o.hash.slice(0, 12);
    var label = el("label", "", "替代文字（网站发布必填）");
    label.htmlFor = id;
    var input = el("input");
    input.id = id;
    input.maxLength = 500;
    input.value = o.alt || "";
    var save = el("button", "", "保存替代文字");
    save.type = "button";
    var msg = el("span", "muted alt-state");
    msg.setAttribute("role", "status");
    save.addEventListener("click", function () {
      api("PUT", "/api/v1/media/" + o.hash, { alt: input.value.trim(), caption: o.caption || "" }).then(function (res) {
        if (!res.ok) {
          var e = (res.data && res.data.error) || { code: "http_" + res.status, message: "保存失败" };
          msg.className = "err alt-state";
          msg.textContent = e.message + "（错误代码：" + e.code + "）";
          return;
        }
        o.alt = res.data.alt;
        msg.className = "muted alt-state";
        msg.textContent = "已保存";
        var img = li.querySelector("img.thumb");
        if (img) img.alt = o.alt;
        checkFile(li, o);
      });
    });
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(save);
    box.appendChild(msg);
    return box;
  }

  // insertPicture puts the picture into the body at index (the caret,
  // else the end), with its alternative text.
  function insertPicture(o, index) {
    var src = "/media/" + o.hash;
    if (!quill) {
      var img = document.createElement("img");
      img.src = src;
      img.alt = o.alt || "";
      var p = document.createElement("p");
      p.appendChild(img);
      editor.appendChild(p);
      scheduleCheck();
      return;
    }
    if (index === null || index === undefined) {
      var sel = quill.getSelection();
      index = sel ? sel.index : quill.getLength() - 1;
    }
    quill.insertEmbed(index, "image", src, "user");
    quill.setSelection(index + 1, 0, "silent");
    editor.querySelectorAll('img[src="' + src + '"]').forEach(function (i) { i.alt = o.alt || ""; });
  }

  // checkFile lists the file's findings, located inside it.
  function checkFile(li, o) {
    var ul = li.querySelector(".file-findings");
    ul.textContent = "";
    ul.appendChild(el("li", "muted", "正在检查……"));
    api("GET", "/api/v1/media/" + o.hash + "/check").then(function (res) {
      ul.textContent = "";
      if (!res.ok) {
        var e = (res.data && res.data.error) || { code: "http_" + res.status, message: "检查失败" };
        ul.appendChild(el("li", "err", "检查失败：" + e.message + "（错误代码：" + e.code + "）"));
        return;
      }
      var fs = res.data.findings || [];
      if (IMAGE[o.type] && !o.alt) {
        var alt = el("li", "finding level-review");
        alt.dataset.kind = "alt";
        alt.appendChild(el("span", "badge level-review", "需补充"));
        alt.appendChild(document.createTextNode(" 缺少替代文字：网站发布的图片必须填写替代文字，供读屏软件朗读"));
        ul.appendChild(alt);
      }
      fs.forEach(function (f) { ul.appendChild(fileFinding(f)); });
      if (!ul.children.length) ul.appendChild(el("li", "ok", "未发现问题。"));
      var blocking = fs.some(function (f) { return f.level === "block" && f.kind === "pii"; });
      li.classList.toggle("blocking", blocking);
      var old = li.querySelector(".mask");
      if (old) old.remove();
      if (blocking && MASKABLE[o.type]) li.querySelector(".file-info").appendChild(maskButton(o));
      mediaStatus("「" + o.name + "」" + (fs.length ? "发现 " + fs.length + " 处问题" + (res.data.blocked ? "，其中有必须处理的问题" : "") : "未发现问题") + "。");
    });
  }

  function fileFinding(f) {
    var li = el("li", "finding level-" + f.level);
    li.dataset.kind = f.kind;
    li.dataset.level = f.level;
    li.appendChild(el("span", "badge level-" + f.level, T.LEVEL[f.level] || f.level));
    li.appendChild(document.createTextNode(" " + (T.KIND[f.kind] || f.kind)));
    if (f.location) {
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(el("span", "location", f.location));
    }
    li.appendChild(document.createTextNode("："));
    if (f.text) li.appendChild(el("mark", "", f.text));
    if (f.suggestion) li.appendChild(el("div", "suggestion", "建议：" + f.suggestion));
    return li;
  }

  // maskButton masks an attachment of a saved item into a new version
  // (POST /api/v1/items/{id}/attachments/{hash}/mask); a new item is
  // masked from its page once saved.
  function maskButton(o) {
    var box = document.getElementById("media");
    var item = box && box.dataset.item;
    if (!item || attachments().indexOf(o.hash) < 0) {
      return el("p", "muted mask", "保存稿件后，可在稿件页一键脱敏该附件（生成新版本）。");
    }
    var b = el("button", "primary mask", "脱敏附件（生成新版本）");
    b.type = "button";
    b.addEventListener("click", function () {
      if (!window.confirm("将生成脱敏后的附件并作为稿件的新版本保存，本页未保存的修改会丢失。继续？")) return;
      b.disabled = true;
      api("POST", "/api/v1/items/" + item + "/attachments/" + o.hash + "/mask").then(function (res) {
        if (!res.ok) {
          b.disabled = false;
          var e = (res.data && res.data.error) || { code: "http_" + res.status, message: "脱敏失败" };
          mediaStatus("脱敏失败：" + e.message + "（错误代码：" + e.code + "）");
          return;
        }
        window.location.reload();
      });
    });
    return b;
  }

  document.addEventListener("DOMContentLoaded", initCompose);
})();
