// The declaration's live checks: as the citizen leaves a field, the centre's own check (the
// desk's validation and quote) is asked and its answers shown beside the fields; the communes
// follow the chosen province; the months field follows the method. Every page works without it.
(function () {
  "use strict";
  document.documentElement.className += " js";
  var form = document.getElementById("declare");
  var summary = document.getElementById("summary");
  if (summary) { summary.focus(); }
  if (!form) { return; }
  var token = form.querySelector("input[name=csrf]").value;
  var touched = {};
  var timer = null;
  // The live check knows every field of the form but these two; their errors stay as the
  // server wrote them until the next submit.
  var unchecked = { office: true, consent: true };
  // A field the server found wrong is followed from the start, so fixing it clears its error
  // and leaving it wrong keeps it.
  var shown = form.querySelectorAll(".err[data-for]");
  for (var k = 0; k < shown.length; k++) {
    if (shown[k].textContent.trim() !== "") { touched[shown[k].getAttribute("data-for")] = true; }
  }

  function months() {
    var m = form.elements.method.value;
    var f = document.getElementById("f-months");
    if (f) { f.closest(".field").hidden = !(m === "ahead" || m === "missing"); }
  }

  function show(problems) {
    var errs = form.querySelectorAll(".err[data-for]");
    for (var i = 0; i < errs.length; i++) {
      var field = errs[i].getAttribute("data-for");
      if (unchecked[field] || !touched[field]) { continue; }
      var msg = problems[field] || "";
      errs[i].textContent = msg;
      var box = errs[i].closest(".field");
      if (box) { box.classList.toggle("bad", msg !== ""); }
      var input = document.getElementById("f-" + field.replace(/\./g, "-"));
      if (input) {
        if (msg) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      }
    }
  }

  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch("/kiem-tra", { method: "POST", body: body, headers: { "X-CSRF-Token": token, "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!a) { return; } // refused (too many checks, an old page): the server's errors stay
        show(a.problems || {});
        var q = document.getElementById("quote");
        if (a.quote) { q.innerHTML = a.quote; } else if (a.quote_error) { q.textContent = a.quote_error; }
      })
      .catch(function () {});
  }

  function later() { clearTimeout(timer); timer = setTimeout(check, 250); }

  function communes(select, target) {
    var sel = document.getElementById(target);
    if (!select.value) { return; }
    fetch("/xa?tinh=" + encodeURIComponent(select.value), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (a) {
        var keep = sel.value;
        while (sel.options.length > 1) { sel.remove(1); }
        (a.communes || []).forEach(function (c) {
          var o = new Option(c[1], c[0]);
          if (c[0] === keep) { o.selected = true; }
          sel.add(o);
        });
        if (target === "f-address-commune") {
          var box = document.getElementById("local-groups");
          box.textContent = "";
          (a.local_groups || []).forEach(function (g) {
            var l = document.createElement("label"); l.className = "inline";
            var i = document.createElement("input"); i.type = "checkbox"; i.name = "local_groups"; i.value = g[0];
            l.appendChild(i); l.appendChild(document.createTextNode(" " + g[1]));
            box.appendChild(l);
          });
          document.getElementById("f-local_groups").hidden = !(a.local_groups || []).length;
        }
      })
      .catch(function () {});
  }

  form.addEventListener("change", function (e) {
    var n = e.target.name;
    if (n === "address.province") { communes(e.target, "f-address-commune"); }
    if (n === "birth_registration.province") { communes(e.target, "f-birth_registration-commune"); }
    if (n === "method") { months(); }
    if (unchecked[n]) {
      // Chosen or ticked now: the server's error about it no longer holds.
      var ok = e.target.type === "checkbox" ? e.target.checked : e.target.value !== "";
      var err = form.querySelector('.err[data-for="' + n + '"]');
      if (ok && err) {
        err.textContent = "";
        e.target.removeAttribute("aria-invalid");
        var box = err.closest(".field");
        if (box) { box.classList.remove("bad"); }
      }
    }
    if (n) { touched[n] = true; }
    later();
  });
  form.addEventListener("focusout", function (e) {
    if (e.target.name && e.target.value !== "") { touched[e.target.name] = true; later(); }
  });
  form.addEventListener("input", function (e) {
    if (touched[e.target.name]) { later(); }
  });
  months();
})();
