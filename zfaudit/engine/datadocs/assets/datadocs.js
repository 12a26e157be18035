/* zfaudit Data Docs script (written for zfaudit, MIT; see LICENSES.txt).
   What GX's pages did with jQuery and Bootstrap's JavaScript from CDNs, in plain ES5 so that
   older browser cores run it: open and close the collapsible blocks, and the "全部 / 仅未通过"
   filter of a validation page. Loaded in <head>, before the page body. */
(function () {
  "use strict";
  // collapsible blocks are hidden by the stylesheet only under this class (no script: all shown)
  document.documentElement.className += " zf-js";

  function hasClass(el, name) { return (" " + el.className + " ").indexOf(" " + name + " ") >= 0; }
  function setClass(el, name, on) {
    var rest = (" " + el.className + " ").replace(" " + name + " ", " ");
    el.className = (on ? rest + name : rest).replace(/^\s+|\s+$/g, "");
  }

  function each(selector, fn) {
    var nodes = document.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) { fn(nodes[i]); }
  }

  // GX's filter: hide the rows of passed expectations, and the sections (with their table of
  // contents links) that have only passed ones
  function filter(onlyFailed) {
    each(".hide-succeeded-validation-target-child", function (el) {
      el.parentNode.hidden = onlyFailed;
    });
    each(".hide-succeeded-validation-target", function (el) { el.hidden = onlyFailed; });
    each(".hide-succeeded-validations-column-section-target-child", function (el) {
      var section = el.parentNode.parentNode;
      section.hidden = onlyFailed;
      if (section.id) {
        each("a[href$='#" + section.id + "']", function (a) { a.parentNode.hidden = onlyFailed; });
      }
    });
  }
  // the pages call these from onclick attributes
  window.showAllValidations = function () { filter(false); };
  window.hideSucceededValidations = function () { filter(true); };

  document.addEventListener("click", function (event) {
    var el = event.target;
    while (el && el !== document && !(el.getAttribute && el.getAttribute("data-toggle"))) {
      el = el.parentNode;
    }
    if (!el || el === document) { return; }
    if (el.getAttribute("data-toggle") === "collapse") {
      var id = (el.getAttribute("href") || el.getAttribute("data-target") || "").replace(/^#/, "");
      var body = id && document.getElementById(id);
      if (body) {
        event.preventDefault();
        var open = !hasClass(body, "show");
        setClass(body, "show", open);
        el.setAttribute("aria-expanded", open ? "true" : "false");
      }
    } else if (el.getAttribute("data-toggle") === "buttons") {
      // a toggle button group: the clicked label becomes the active one
      var label = event.target;
      while (label && label !== el && label.tagName !== "LABEL") { label = label.parentNode; }
      if (label && label !== el) {
        for (var i = 0; i < el.children.length; i++) { setClass(el.children[i], "active", false); }
        setClass(label, "active", true);
      }
    }
  });
})();
