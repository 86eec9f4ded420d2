// 领导名单页脚本：a chosen TSV file is read into the text box, where the
// administrator sees it and may correct it before saving; console.js
// posts the form as JSON {content, note}.
(function () {
  "use strict";

  function init() {
    var file = document.getElementById("leaders-file");
    var text = document.getElementById("leaders-content");
    if (!file || !text) return;
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      file.files[0].text().then(function (t) {
        text.value = t.replace(/^\uFEFF/, "");
        text.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
