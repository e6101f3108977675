// Appui — diagnostic "mode personne": read the question and its answers aloud with the browser's speech
// synthesis (window.speechSynthesis), in French. A progressive enhancement: without speech synthesis or
// without JavaScript, the "Écouter la question" button stays hidden and every screen still works.
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var button = document.querySelector("[data-appui-read-aloud]");
  if (!button || !synth || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }

  function frenchVoice() {
    var voices = synth.getVoices() || [];
    var fallback = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang === "fr-fr") {
        return voices[i];
      }
      if (!fallback && lang.indexOf("fr") === 0) {
        fallback = voices[i];
      }
    }
    return fallback;
  }

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function textToRead() {
    var parts = [];
    var question = document.getElementById(button.getAttribute("data-appui-read-aloud"));
    if (question) {
      parts.push(clean(question.textContent));
    }
    var help = document.querySelector("[data-appui-read-aloud-text]");
    if (help) {
      parts.push(clean(help.textContent));
    }
    var choices = document.querySelectorAll("[data-appui-read-aloud-choices] button");
    if (choices.length) {
      var labels = [];
      for (var i = 0; i < choices.length; i++) {
        labels.push(clean(choices[i].textContent));
      }
      parts.push("Vos réponses possibles : " + labels.join(". "));
    }
    return parts.join(". ");
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(textToRead());
    utterance.lang = "fr-FR";
    utterance.rate = 0.9;
    var voice = frenchVoice();
    if (voice) {
      utterance.voice = voice;
    }
    synth.speak(utterance);
  });

  // Stop reading when the person answers and the page changes.
  window.addEventListener("pagehide", function () {
    synth.cancel();
  });
})();
