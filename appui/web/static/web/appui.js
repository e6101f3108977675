// Appui: progressive enhancements only; every page works without JavaScript.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-appui-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
