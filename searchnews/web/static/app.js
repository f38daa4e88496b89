// searchnews serve: small conveniences; every page works without this script.
(function () {
  "use strict";
  // "/" focuses the search box, as on many search sites.
  document.addEventListener("keydown", function (event) {
    var box = document.querySelector(".searchbox input[type=search]");
    if (event.key === "/" && box && document.activeElement !== box &&
        !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  // A new order or copy setting applies at once, without pressing Apply.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (form && form.querySelector("input[name=q]").value.trim()) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });
})();
