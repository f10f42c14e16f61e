// The dispatch form's unit filter: typing hides the options (and groups) whose name does not
// contain the text. Without this script the filter box stays hidden and the select works as is.
(function () {
  "use strict";
  function setup(input) {
    var select = document.getElementById(input.getAttribute("data-filter-for"));
    if (!select || input.dataset.ready) return;
    input.dataset.ready = "1";
    input.hidden = false;
    input.addEventListener("input", function () {
      var text = input.value.trim();
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var shown = 0;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var match = !text || option.textContent.indexOf(text) !== -1;
          option.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
      var first = select.querySelector("optgroup:not([hidden]) option:not([hidden])");
      if (text && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
        first.selected = true;
      }
    });
  }
  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("input.unit-filter[data-filter-for]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
