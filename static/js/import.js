/* The import page (templates/handover/import.html): post the list with fetch, poll its progress every 500 ms,
   then show the row errors in place. Without this script the form posts as usual and the server shows the result
   page. No inline script or style (the CSP forbids both): the page's text comes from the template, this only fills
   numbers in and toggles the `hidden` attribute. */
(function () {
  "use strict";

  var POLL_MS = 500;

  function uuid4() {
    // crypto.randomUUID needs a secure context; getRandomValues does not (an intranet served over plain http).
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function init() {
    var form = document.getElementById("import-form");
    var panel = document.getElementById("import-progress");
    var errorsPanel = document.getElementById("import-errors");
    if (!form || !panel || !errorsPanel || !window.fetch || !window.FormData) {
      return;
    }
    var bar = document.getElementById("import-bar");
    var submit = document.getElementById("import-submit");
    var fileError = document.getElementById("import-file-error");
    var rowsBody = document.getElementById("import-error-rows");
    var rowTemplate = document.getElementById("import-error-row");
    var labelsNode = document.getElementById("import-columns");
    var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");

    function stat(name, value) {
      var node = panel.querySelector('[data-stat="' + name + '"]');
      if (node) {
        node.textContent = value === null || value === undefined ? "?" : String(value);
      }
    }

    function showStatus(status, message) {
      panel.querySelectorAll("[data-status]").forEach(function (node) {
        node.hidden = node.getAttribute("data-status") !== status;
      });
      if (message) {
        panel.querySelector("[data-message]").textContent = message;
      }
    }

    function showProgress(data) {
      stat("rows_done", data.rows_done);
      stat("rows_total", data.rows_total);
      stat("created", data.created);
      stat("unchanged", data.unchanged);
      stat("error_count", data.error_count);
      if (data.rows_total) {
        bar.max = data.rows_total;
        bar.value = Math.min(data.rows_done || 0, data.rows_total);
      } else {
        bar.removeAttribute("value"); // indeterminate until the file says how long it is
      }
    }

    function showErrors(errors, count) {
      rowsBody.textContent = "";
      (errors || []).forEach(function (error) {
        var row = rowTemplate.content.firstElementChild.cloneNode(true);
        row.querySelector('[data-cell="row"]').textContent = error.row;
        row.querySelector('[data-cell="label"]').textContent = labels[error.field] || error.field;
        row.querySelector('[data-cell="message"]').textContent = error.message;
        rowsBody.appendChild(row);
      });
      errorsPanel.querySelector("[data-errors-more]").hidden = !(count > (errors || []).length);
      errorsPanel.hidden = !(errors && errors.length);
    }

    function progressUrl(token) {
      return form.getAttribute("data-progress-url").replace(form.getAttribute("data-token-placeholder"), token);
    }

    form.addEventListener("submit", function (event) {
      if (!form.querySelector("input[type=file]").files.length) {
        return; // let the browser and the server say a file is required
      }
      event.preventDefault();
      var token = uuid4();
      form.querySelector("input[name=token]").value = token;
      var body = new FormData(form);
      var finished = false;
      var timer = null;

      fileError.hidden = true;
      submit.disabled = true;
      panel.hidden = false;
      errorsPanel.hidden = true;
      showStatus("running");
      showProgress({ rows_done: 0, rows_total: null, created: 0, unchanged: 0, error_count: 0 });
      panel.querySelector("[data-result-link]").hidden = true;

      function poll() {
        fetch(progressUrl(token), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; }) // 404: not started yet
          .then(function (data) {
            if (data && !finished) {
              showProgress(data);
            }
          })
          .catch(function () { /* a missed poll is retried */ })
          .then(function () {
            if (!finished) {
              timer = window.setTimeout(poll, POLL_MS);
            }
          });
      }
      timer = window.setTimeout(poll, POLL_MS);

      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (answer) {
          finished = true;
          window.clearTimeout(timer);
          if (answer.ok) {
            var data = answer.data;
            showProgress({
              rows_done: data.created + data.unchanged,
              rows_total: null,
              created: data.created,
              unchanged: data.unchanged,
              error_count: data.error_count,
            });
            return fetch(progressUrl(token), { credentials: "same-origin", headers: { Accept: "application/json" } })
              .then(function (response) { return response.ok ? response.json() : null; })
              .then(function (final) {
                if (final) {
                  showProgress(final);
                }
                showStatus("done");
                showErrors(data.errors, data.error_count);
                var link = panel.querySelector("[data-result-link]");
                link.href = data.result_url;
                link.hidden = false;
              });
          }
          var error = (answer.data && answer.data.error) || {};
          var message = (error.fields && (error.fields.file || error.fields.token)) || error.message || "";
          showStatus("failed", message);
          fileError.textContent = message;
          fileError.hidden = !message;
          bar.value = 0;
          return null;
        })
        .catch(function () {
          finished = true;
          window.clearTimeout(timer);
          showStatus("failed", form.getAttribute("data-network-error") || "");
        })
        .then(function () {
          submit.disabled = false;
          form.reset();
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
