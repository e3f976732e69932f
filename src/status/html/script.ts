/**
 * The page's one script, served inline under the response's CSP nonce. It listens to
 * /status/{slug}/events (Server-Sent Events) and applies each `page` event to the banner and the
 * components with textContent, and swaps in the active incidents section the server rendered
 * (escaped and sanitised as the page itself; parsed with DOMParser, so nothing in it runs).
 * Without it, the page is the same page, as of its last load. No polling: EventSource reconnects by itself.
 */
export const LIVE_SCRIPT = `(function () {
  "use strict";
  if (!("EventSource" in window)) return;
  var base = location.pathname.replace(/\\/+$/, "");
  var source = new EventSource(base + "/events");
  function text(el, value) { if (el) el.textContent = value; }
  var shownIncidents = null;
  source.addEventListener("page", function (event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    var banner = document.getElementById("status-banner");
    if (banner && data.status) {
      banner.className = "banner " + data.status.indicator;
      text(document.getElementById("status-text"), data.status.description);
    }
    (data.components || []).forEach(function (c) {
      var el = document.querySelector('[data-component="' + CSS.escape(c.id) + '"]');
      if (!el) return;
      el.setAttribute("data-status", c.status);
      el.setAttribute("data-state", c.state);
      text(el.querySelector(".label"), c.label);
      text(el.querySelector(".category"), c.category ? " \\u00b7 " + c.category : "");
    });
    var incidents = document.getElementById("live-incidents");
    if (incidents && typeof data.incidentsHtml === "string" && data.incidentsHtml !== shownIncidents) {
      // The server's own escaped and sanitised markup; parsed inertly, no script in it runs.
      var parsed = new DOMParser().parseFromString(data.incidentsHtml, "text/html");
      incidents.replaceChildren.apply(incidents, Array.prototype.slice.call(parsed.body.childNodes));
      shownIncidents = data.incidentsHtml;
    }
    var updated = document.getElementById("updated");
    if (updated && data.updatedAt) {
      updated.setAttribute("datetime", data.updatedAt);
      updated.textContent = data.updatedText;
    }
  });
  source.addEventListener("page.closed", function () { source.close(); });
})();`;
