// 领导名单页和本单位词库页脚本：a chosen TSV file is read into the text
// box the file input names (data-fills), where the administrator sees it
// and may correct it before saving; console.js posts the form as JSON
// {content, note}.
(function () {
  "use strict";

  function init() {
    document.querySelectorAll("input[type=file][data-fills]").forEach(function (file) {
      var text = document.getElementById(file.getAttribute("data-fills"));
      if (!text) return;
      file.addEventListener("change", function () {
        if (!file.files.length) return;
        file.files[0].text().then(function (t) {
          text.value = t.replace(/^\uFEFF/, "");
          text.focus();
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
