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
  document.querySelectorAll("[data-snippet-for]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value) { document.getElementById(select.getAttribute("data-snippet-for")).value = select.value; }
      select.selectedIndex = 0;
    });
  });
  const onlyUndecided = document.querySelector("[data-only-undecided]");
  if (onlyUndecided) {
    onlyUndecided.addEventListener("change", function () {
      const on = onlyUndecided.checked;
      document.querySelector("table.decisions").classList.toggle("hide-decided", on);
      // every save (one row or the bulk form) comes back with the filter as it was
      document.querySelectorAll("input[name=undecided]").forEach(function (field) { field.value = on ? "1" : ""; });
      const url = new URL(window.location.href);
      url.searchParams.delete("ok");
      if (on) { url.searchParams.set("undecided", "1"); } else { url.searchParams.delete("undecided"); }
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    });
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const field = document.getElementById(button.getAttribute("data-copy"));
      const said = document.querySelector("[data-copied-for='" + field.id + "']");
      field.select();
      const done = function () { if (said) { said.textContent = "已复制"; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else { document.execCommand("copy"); done(); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-history-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    const form = el.tagName === "FORM" ? el : el.form;
    const ask = function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    };
    if (el.tagName === "FORM") { form.addEventListener("submit", ask); } else { el.addEventListener("click", ask); }
  });
  const recount = function () {
    document.querySelectorAll("[data-count-of]").forEach(function (out) {
      out.textContent = document.querySelectorAll("input[name='" + out.getAttribute("data-count-of") + "']:checked").length;
    });
  };
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='" + box.getAttribute("data-check-all") + "']").forEach(function (b) {
        if (b.getClientRects().length > 0) { b.checked = box.checked; }  // only the rows shown
      });
      recount();
    });
  });
  document.querySelectorAll("[data-filter-of]").forEach(function (input) {
    input.addEventListener("input", function () {
      const words = input.value.trim();
      document.querySelectorAll("#" + input.getAttribute("data-filter-of") + " [data-name]").forEach(function (el) {
        el.hidden = words !== "" && el.getAttribute("data-name").indexOf(words) < 0;
      });
    });
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=checkbox]")) { recount(); }
  });
  recount();
})();
