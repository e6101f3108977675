// Commune suggestions: an ARIA 1.2 combobox over a plain text input (see appui/web/communes.py).
// Without JavaScript the input stays a text box, and the server reads the name or postal code typed.
(function () {
  "use strict";

  function setup(root) {
    var input = root.querySelector("input[type=text]");
    var hidden = root.querySelector("input[type=hidden]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector("[data-appui-commune-status]");
    var url = root.getAttribute("data-appui-suggestions");
    if (!input || !hidden || !list || !url) return;
    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = null;
    var request = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function announce(text) {
      status.textContent = text;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("appui-combobox__option--active", i === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      input.value = option.getAttribute("data-label");
      hidden.value = option.getAttribute("data-code");
      lastQuery = input.value;
      close();
      announce(input.value + " choisie.");
      input.dispatchEvent(new CustomEvent("appui:commune", { bubbles: true, detail: { code: hidden.value } }));
    }

    function render(results) {
      list.textContent = "";
      options = results.map(function (result, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-code", result.code);
        option.setAttribute("data-label", result.label);
        option.className = "appui-combobox__option";
        option.textContent = result.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(option);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      if (options.length) {
        open();
        announce(options.length === 1 ? "1 commune suggérée. Flèche bas pour la choisir."
          : options.length + " communes suggérées. Flèches haut et bas pour choisir, Entrée pour valider.");
      } else {
        close();
        announce("Aucune commune ne correspond.");
      }
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 2) {
        render([]);
        announce("");
        return;
      }
      var current = ++request;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (current === request) render(data.results || []); })
        .catch(function () { /* the server still reads the typed text */ });
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { open(); }
        if (options.length) highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { open(); }
        if (options.length) highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(options[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  document.querySelectorAll("[data-appui-commune]").forEach(setup);
})();
