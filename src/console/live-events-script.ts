/**
 * The Events page's one script, served by the bridge at /console/assets/live-events.js (the CSP
 * allows only the bridge's own scripts, none inline): it listens to the table's `data-stream`
 * (server-sent events) and puts each batch of new rows, rendered and escaped by the server, at the
 * top of the table, saying how many arrived in a polite live region.
 */
export const LIVE_EVENTS_JS = `"use strict";
(function () {
  var table = document.querySelector("table[data-stream]");
  if (!table || typeof EventSource === "undefined") return;
  var tbody = table.tBodies[0];
  var status = document.getElementById("live-status");
  var empty = document.getElementById("no-events");
  var added = 0;
  var source = new EventSource(table.getAttribute("data-stream"));
  source.addEventListener("open", function () {
    if (status && added === 0) status.textContent = "Live: new events appear here.";
  });
  source.addEventListener("rows", function (e) {
    var t = document.createElement("template");
    t.innerHTML = e.data;
    added += t.content.querySelectorAll("tr").length;
    tbody.insertBefore(t.content, tbody.firstChild);
    table.hidden = false;
    if (empty) empty.hidden = true;
    if (status) status.textContent = "Live: " + added + " new event" + (added === 1 ? "" : "s") + " since this page loaded.";
  });
  source.addEventListener("error", function () {
    if (status) status.textContent = "Live updates paused: reconnecting…";
  });
})();
`;
