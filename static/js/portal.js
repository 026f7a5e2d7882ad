// KPI Portal behaviour on top of htmx. Loaded as a file: the CSP forbids inline scripts.
(function () {
  "use strict";

  function cookie(name) {
    const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  // Signing in again in another tab rotates the CSRF token; read the current
  // one at request time so the page the officer is typing in keeps working.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = cookie("csrftoken");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
      // Django reads the form field before the header: refresh it as well.
      if (event.detail.verb !== "get") {
        event.detail.parameters["csrfmiddlewaretoken"] = token;
      }
    }
  });

  // An expired session answers 401: keep everything typed and say what to do.
  document.body.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    const banner = document.getElementById("session-expired");
    const csrf = status === 403 && event.detail.xhr.getResponseHeader("X-KPI-Refused") === "csrf";
    if ((status === 401 || csrf) && banner) {
      banner.hidden = false;
      banner.scrollIntoView({ block: "center" });
    } else if (status >= 500) {
      window.alert("ระบบขัดข้องชั่วคราว ข้อมูลที่พิมพ์ยังอยู่ กรุณากดบันทึกอีกครั้งในอีกสักครู่");
    }
  });
  document.body.addEventListener("htmx:sendError", function () {
    window.alert("เชื่อมต่อเครือข่ายไม่ได้ ข้อมูลที่พิมพ์ยังอยู่ กรุณาตรวจสอบอินเทอร์เน็ตแล้วกดบันทึกอีกครั้ง");
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    const banner = document.getElementById("session-expired");
    if (banner && event.detail.successful) {
      banner.hidden = true;
    }
  });

  // Keep a copy of long texts in this browser until the server has them, so
  // a closed tab or an expired session never costs an officer their report.
  function autosave(root) {
    root.querySelectorAll("textarea[data-autosave]").forEach(function (area) {
      if (area.dataset.autosaveBound) {
        return;
      }
      area.dataset.autosaveBound = "1";
      const key = "kpi-draft:" + area.dataset.autosave;
      const offer = area.parentElement.querySelector(".autosave-restore");
      const saved = window.localStorage.getItem(key);
      if (saved !== null && saved !== area.value && offer) {
        offer.hidden = false;
        offer.querySelector("[data-restore]").addEventListener("click", function () {
          area.value = saved;
          offer.hidden = true;
        });
        offer.querySelector("[data-discard]").addEventListener("click", function () {
          window.localStorage.removeItem(key);
          offer.hidden = true;
        });
      }
      area.addEventListener("input", function () {
        window.localStorage.setItem(key, area.value);
      });
      const form = area.form;
      if (form) {
        form.addEventListener("htmx:afterRequest", function (event) {
          if (event.detail.successful && form.contains(event.detail.elt)) {
            window.localStorage.removeItem(key);
          }
        });
      }
    });
    // A report handed in no longer needs the browser's copy of its text.
    root.querySelectorAll("[data-autosave-done]").forEach(function (done) {
      window.localStorage.removeItem("kpi-draft:" + done.dataset.autosaveDone);
    });
  }
  autosave(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    autosave(event.detail.target.isConnected ? event.detail.target : document);
  });

  // Every form of the report page names the version it was showing. After the
  // officer's own successful write the status bar carries the next version, and
  // all forms follow it, so one person's saves never look like someone else's.
  // Only then: after a refusal, or when someone else wrote in between (the
  // version moved by more than this write's one step), the forms keep the version
  // they showed and the next write is refused as a conflict, not taken silently.
  let sentVersion = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt.closest("form");
    const own = form ? form.querySelector("input[data-report-version]") : null;
    sentVersion = own ? Number(own.value) : null;
  });

  function syncVersion() {
    const current = document.getElementById("report-version");
    if (!current) {
      return;
    }
    const next = Number(current.value);
    if (sentVersion === null || (next !== sentVersion && next !== sentVersion + 1)) {
      return;
    }
    document.querySelectorAll("input[data-report-version]").forEach(function (input) {
      input.value = current.value;
    });
  }

  // Explanations typed in the checks panel survive the panel being redrawn
  // after another section was saved (taken just before the swap, so nothing
  // typed while the request was on its way is lost).
  // So does a self-assessment the officer typed (or one a refused submission
  // brought back, marked data-typed); one left as prefilled follows the new
  // suggestion the redrawn panel carries.
  let typedExplanations = {};
  let typedSelfScore = null;
  document.body.addEventListener("htmx:beforeSwap", function () {
    typedExplanations = {};
    document.querySelectorAll("textarea[name^='explain-']").forEach(function (area) {
      typedExplanations[area.name] = area.value;
    });
    const score = document.getElementById("id_self_score");
    typedSelfScore =
      score && (score.value !== score.defaultValue || score.hasAttribute("data-typed"))
        ? score.value
        : null;
  });

  function restoreExplanations() {
    document.querySelectorAll("textarea[name^='explain-']").forEach(function (area) {
      if (Object.prototype.hasOwnProperty.call(typedExplanations, area.name)) {
        area.value = typedExplanations[area.name];
      }
    });
    const score = document.getElementById("id_self_score");
    if (score && typedSelfScore !== null) {
      score.value = typedSelfScore;
      score.setAttribute("data-typed", "");
    }
  }

  // After a swap: say what happened (a save, or the first error) to screen
  // readers, and move the focus to the first error so the officer sees it.
  function announce(root, failed) {
    const live = document.getElementById("live");
    const firstError = failed
      ? root.querySelector(
          "[aria-invalid='true'], .error[role='alert']:not([hidden]), .field-error"
        )
      : null;
    if (firstError) {
      const target = firstError.matches("input, textarea, select")
        ? firstError
        : firstError.closest("section, form") || firstError;
      if (!target.matches("input, textarea, select, a, button, [tabindex]")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: false });
      if (live) {
        live.textContent = (firstError.textContent || "").trim();
      }
      return;
    }
    const saved = root.querySelector("[data-saved]");
    if (saved && live) {
      live.textContent = saved.textContent.trim();
    }
  }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    // Fired for the section swapped in and for each part swapped out of band:
    // the section itself (same id as the request's target) says what happened.
    const settled = event.target;
    const target = event.detail.target;
    if (!settled || !target || !settled.id || settled.id !== target.id) {
      return;
    }
    const xhr = event.detail.xhr;
    const failed = Boolean(xhr && xhr.status >= 400);
    if (!failed) {
      syncVersion();
    }
    announce(settled, failed);
  });
  // Put typed explanations and a typed self-assessment back as soon as the new
  // parts are in (afterSwap runs in the same task as the swap), not at settle
  // 20 ms later: in between the panel showed the new suggestion instead of what
  // the officer typed, and a quick reader or a click on submit could take it.
  document.body.addEventListener("htmx:afterSwap", function () {
    restoreExplanations();
  });

  // A full-page answer with errors (a refused submission) opens on its summary.
  document.addEventListener("DOMContentLoaded", function () {
    const summary = document.getElementById("submit-error");
    if (summary) {
      summary.focus();
    }
  });

  function changed(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
        return false;
      }
      if (field.type === "file") {
        return field.files && field.files.length > 0;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        // Without a preselected option the browser shows the first one.
        const options = Array.prototype.slice.call(field.options);
        const preset = options.findIndex(function (option) { return option.defaultSelected; });
        return field.selectedIndex !== (preset === -1 ? 0 : preset);
      }
      return field.value !== field.defaultValue;
    });
  }

  // Submitting never ignores what was typed elsewhere on the page: the report's
  // own fields go with the submission; any other form changed but not saved
  // (a ratio row, a step, a chosen file, a letter) is named and stops it.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-submit-report]");
    if (!button) {
      return;
    }
    const pending = [];
    document.querySelectorAll("form[data-unsaved-name]").forEach(function (form) {
      // A form the server sent back with errors holds input that was not saved.
      if (form.hasAttribute("data-unsaved") || changed(form)) {
        let name = form.dataset.unsavedName;
        const file = form.querySelector("input[type='file']");
        if (file && file.files && file.files.length) {
          name += " (" + file.files[0].name + ")";
        }
        pending.push(name);
      }
    });
    const guard = document.getElementById("unsaved-guard");
    if (pending.length) {
      event.preventDefault();
      if (guard) {
        guard.textContent = button.dataset.unsavedIntro + " " + pending.join(" · ");
        guard.hidden = false;
        guard.setAttribute("tabindex", "-1");
        guard.focus();
      }
      return;
    }
    if (guard) {
      guard.hidden = true;
    }
    if (!window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
