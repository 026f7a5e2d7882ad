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
          if (event.detail.successful && event.detail.elt === form) {
            window.localStorage.removeItem(key);
          }
        });
      }
    });
  }
  autosave(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    autosave(event.detail.target.isConnected ? event.detail.target : document);
  });
})();
