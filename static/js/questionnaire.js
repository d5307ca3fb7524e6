// Conditional questions: shown or hidden as the answers on this page change. Without
// JavaScript every question of the page stays visible and the server ignores the answers
// to the questions whose condition is not met.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) { return; }

  function selectedValues(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value) { values.push(input.value); }
    });
    return values;
  }

  function refresh() {
    form.querySelectorAll(".question[data-condition]").forEach(function (block) {
      var name = "q" + block.dataset.condition;
      if (!form.querySelector('[name="' + name + '"]')) { return; } // condition on another page
      var expected = block.dataset.conditionChoices.split(",");
      var shown = selectedValues(name).some(function (value) { return expected.indexOf(value) !== -1; });
      block.hidden = !shown;
    });
  }

  form.addEventListener("change", refresh);
  refresh();
})();
