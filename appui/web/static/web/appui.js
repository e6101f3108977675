// Appui: progressive enhancements only; every page works without JavaScript.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-appui-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// After a refused form, the focus goes to the error summary at the top of the page (RGAA 11.10, 11.11):
// a screen reader reads it, and each of its links leads to the field to correct.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }
});
