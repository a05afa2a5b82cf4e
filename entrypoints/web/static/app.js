// Small live parts: the working-day deadline preview, reason snippets, extra comment rows. No build step.
(function () {
  "use strict";
  const workdays = document.querySelector("[data-workdays-preview]");
  if (workdays) {
    const input = document.getElementById("workdays");
    const out = document.getElementById("workdays-result");
    const update = async function () {
      const n = parseInt(input.value, 10);
      if (!n) { out.textContent = ""; return; }
      const res = await fetch("/api/v1/workdays?add=" + encodeURIComponent(n), { credentials: "same-origin" });
      const body = await res.json();
      if (!res.ok) { out.textContent = body.error.message; out.className = "msg err"; return; }
      out.className = "msg ok";
      out.textContent = "截止时间：" + body.deadline_text + "。" + body.reasoning.join("；");
    };
    input.addEventListener("input", update);
  }
  document.querySelectorAll("[data-snippet]").forEach(function (el) {
    el.addEventListener("click", function () {
      const target = document.getElementById(el.getAttribute("data-target"));
      target.value = el.getAttribute("data-snippet");
    });
  });
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function () {
      const body = document.querySelector("table[data-rows='" + button.getAttribute("data-add-row") + "'] tbody");
      const row = body.rows[body.rows.length - 1].cloneNode(true);
      row.querySelectorAll("textarea, input[type=text]").forEach(function (field) { field.value = ""; });
      row.querySelectorAll("select").forEach(function (field) { field.selectedIndex = 0; });
      body.appendChild(row);
    });
  });
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='" + box.getAttribute("data-check-all") + "']").forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
})();
