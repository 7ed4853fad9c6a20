// Opens a claim's details when its highlight is selected (by click, or Enter on the focused link).
// Without this script the highlight is still a link to the claim's card, whose details open on click.
(function () {
  "use strict";

  function current(selector, elements) {
    document.querySelectorAll(selector + ".is-current").forEach(function (other) {
      other.classList.remove("is-current");
    });
    elements.forEach(function (element) { element.classList.add("is-current"); });
  }

  // A claim inside another cuts the outer highlight in pieces: mark every piece of the claim.
  function marks(card) {
    return document.querySelectorAll('a.claim-mark[data-claim="' + card.id.replace("claim-", "") + '"]');
  }

  function openClaim(id, focus) {
    var card = document.getElementById(id);
    if (!card || !card.classList.contains("card")) return;
    var details = card.querySelector("details");
    if (details) details.open = true;
    current(".card", [card]);
    current(".claim-mark", marks(card));
    // On wide screens the verdicts column scrolls by itself beside the text: move only that column.
    var column = card.closest(".claims");
    if (column && column.scrollHeight > column.clientHeight + 1 && getComputedStyle(column).position === "sticky") {
      column.scrollTop += card.getBoundingClientRect().top - column.getBoundingClientRect().top - 8;
    } else {
      card.scrollIntoView({ block: "start" });
    }
    if (focus) {
      var summary = card.querySelector("summary");
      if (summary) summary.focus({ preventScroll: true });
    }
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest("a.claim-mark");
    if (!mark) return;
    event.preventDefault();
    var id = mark.getAttribute("href").slice(1);
    if (history.replaceState) history.replaceState(null, "", "#" + id);
    openClaim(id, true);
  });

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.parentElement) return;
    var card = details.parentElement;
    if (!card.classList.contains("card")) return;
    current(".card", [card]);
    current(".claim-mark", marks(card));
  }, true);

  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("#claim-") === 0) openClaim(location.hash.slice(1), false);
  });
  if (location.hash.indexOf("#claim-") === 0) openClaim(location.hash.slice(1), false);
})();
