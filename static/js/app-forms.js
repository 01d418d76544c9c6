// Forms never lose typed work.
//
// 1. Putting it back. When a form reached the server after its sender's session had ended,
//    the server kept what it held; once the same person has signed in again, the form's page
//    carries it as JSON in <script type="application/json" id="kept-form">. This puts it back
//    into the form that posts to the same address, and says that it is not saved yet.
// 2. A warning before the session ends. The "wcc_session_expires" cookie holds when it ends
//    (seconds since 1970; "0" once the user has signed out). A few minutes before (the
//    data-warn-minutes attribute of this script's tag), a warning offers to stay signed in.
(function () {
  "use strict";

  var script = document.currentScript;
  var WARN_MINUTES = Number(script && script.getAttribute("data-warn-minutes")) || 5;
  var EXPIRES_COOKIE = "wcc_session_expires";
  var SIGNED_OUT = "0";
  var CHECK_EVERY_MS = 15000;
  var NOT_RESTORED = { hidden: 1, password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function pathOf(url) {
    try {
      return new URL(url, window.location.href).pathname;
    } catch (error) {
      return null;
    }
  }

  // ---- 1. Putting back what was typed -------------------------------------------------------

  function keptForm() {
    var data = document.getElementById("kept-form");
    if (!data) return null;
    try {
      var kept = JSON.parse(data.textContent);
      return kept && Array.isArray(kept.fields) ? kept : null;
    } catch (error) {
      return null;
    }
  }

  function valuesByName(fields) {
    var values = Object.create(null);
    fields.forEach(function (field) {
      if (!Array.isArray(field) || field.length !== 2) return;
      (values[field[0]] = values[field[0]] || []).push(String(field[1]));
    });
    return values;
  }

  function postsTo(form, path) {
    var htmxPost = form.getAttribute("hx-post");
    var method = htmxPost ? "post" : (form.getAttribute("method") || "get").toLowerCase();
    var target = htmxPost || form.getAttribute("action") || window.location.href;
    return method === "post" && pathOf(target) === path;
  }

  function restorable(control) {
    if (!control.name || control.disabled) return false;
    if (control.tagName === "TEXTAREA" || control.tagName === "SELECT") return true;
    return control.tagName === "INPUT" && !NOT_RESTORED[control.type];
  }

  function controlsOf(form) {
    return Array.prototype.filter.call(form.elements, restorable);
  }

  // The form that posts where the kept one did and has the most of its fields.
  function matchingForm(kept, values) {
    var path = pathOf(kept.action);
    var best = null;
    var bestScore = 0;
    Array.prototype.forEach.call(document.forms, function (form) {
      if (!postsTo(form, path)) return;
      var score = controlsOf(form).filter(function (control) {
        return control.name in values;
      }).length;
      if (score > bestScore) {
        best = form;
        bestScore = score;
      }
    });
    return best;
  }

  function setValue(control, value) {
    if (control.value !== value) {
      control.value = value;
      control.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function putBack(form, values) {
    var used = Object.create(null);
    controlsOf(form).forEach(function (control) {
      var kept = values[control.name];
      if (control.type === "checkbox" || control.type === "radio") {
        // A form sends only the boxes that are ticked: one not among them was not ticked.
        control.checked = !!kept && kept.indexOf(control.value) !== -1;
      } else if (!kept) {
        return;
      } else if (control.tagName === "SELECT") {
        Array.prototype.forEach.call(control.options, function (option) {
          if (control.multiple) option.selected = kept.indexOf(option.value) !== -1;
          else if (option.value === kept[0]) option.selected = true;
        });
      } else {
        var index = used[control.name] || 0;
        if (index < kept.length) setValue(control, kept[index]);
        used[control.name] = index + 1;
      }
    });
  }

  // A hidden field that differs (such as the version of what is saved) means the form has
  // changed since: saving will replace what is there now.
  function changedSince(form, values) {
    return Array.prototype.some.call(form.elements, function (control) {
      var kept = values[control.name];
      return (
        control.type === "hidden" &&
        control.name !== "csrftoken" &&
        kept !== undefined &&
        kept[0] !== control.value
      );
    });
  }

  function notice(paragraphs) {
    var box = element("div", "nhsuk-inset-text");
    box.id = "kept-form-notice";
    box.setAttribute("role", "status");
    // Focused once, so that it is read out and in view; it is text, not a control, so it
    // needs no focus outline and is not focusable again.
    box.tabIndex = -1;
    box.style.outline = "none";
    box.addEventListener("blur", function () {
      box.removeAttribute("tabindex");
    });
    box.appendChild(element("span", "nhsuk-u-visually-hidden", "Information: "));
    paragraphs.forEach(function (text) {
      box.appendChild(element("p", null, text));
    });
    return box;
  }

  function humanName(name) {
    var words = name.replace(/[_-]+/g, " ").trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  // No form here takes it: show the text, so that it can still be copied.
  function showTyped(kept) {
    var main = document.getElementById("maincontent");
    if (!main) return;
    var typed = kept.fields.filter(function (field) {
      return String(field[1]).trim() !== "";
    });
    if (!typed.length) return;
    var box = notice([
      "What you typed before you were signed out could not be put back into a form on this " +
        "page. It has not been saved. Here it is, so that you can copy it.",
    ]);
    var list = element("dl", "nhsuk-body-s");
    typed.forEach(function (field) {
      list.appendChild(element("dt", null, humanName(String(field[0]))));
      var value = element("dd", null, String(field[1]));
      value.style.whiteSpace = "pre-wrap";
      list.appendChild(value);
    });
    box.appendChild(list);
    main.insertBefore(box, main.firstChild);
    box.focus();
  }

  function restoreKeptForm() {
    var kept = keptForm();
    if (!kept) return;
    var values = valuesByName(kept.fields);
    var form = matchingForm(kept, values);
    if (!form) {
      showTyped(kept);
      return;
    }
    var changed = changedSince(form, values);
    putBack(form, values);
    var paragraphs = [
      "What you typed before you were signed out has been put back. " +
        "It has not been saved yet: check it, then save.",
    ];
    if (kept.files_left_out) {
      paragraphs.push("Files you chose could not be kept. Choose them again before you save.");
    }
    if (changed) {
      paragraphs.push(
        "This form has changed since you were signed out, perhaps because someone else " +
          "saved it. Saving will replace what is there now."
      );
    }
    var box = notice(paragraphs);
    form.parentNode.insertBefore(box, form);
    box.focus();
  }

  // ---- 2. Warning before the session ends ---------------------------------------------------

  var panel = null;
  var panelMode = null;
  var panelText = null;
  var seenSignedIn = false;
  var lastFocused = null;
  var extending = false;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (error) {
      // fall through to a form's hidden field
    }
    var field = document.querySelector("input[name=csrftoken]");
    return field ? field.value : "";
  }

  function minutesText(left) {
    var minutes = Math.ceil(left / 60000);
    if (left < 60000) return "in less than a minute";
    return "in " + minutes + (minutes === 1 ? " minute" : " minutes");
  }

  var MESSAGES = {
    warning: {
      heading: "You will be signed out soon",
      text: function (left) {
        return (
          "For your security, you will be signed out " +
          minutesText(left) +
          ". Select \u201cStay signed in\u201d to carry on."
        );
      },
    },
    ended: {
      heading: "You have been signed out",
      text: function () {
        return (
          "For your security, you have been signed out. You can still save this page: you " +
          "will be asked to sign in again, then what you typed will be back in the form."
        );
      },
    },
    "signed-out": {
      heading: "You have signed out",
      text: function () {
        return (
          "You signed out in another tab or window. Anything on this page that you have not " +
          "saved cannot be kept: copy it before you sign in again."
        );
      },
    },
  };

  function buildPanel(mode) {
    var outer = element("div", "app-session-warning");
    outer.setAttribute("role", "alert");
    outer.style.position = "fixed";
    outer.style.left = "0";
    outer.style.right = "0";
    outer.style.bottom = "0";
    outer.style.zIndex = "1000";
    outer.style.background = "#ffffff";
    outer.style.borderTop = "4px solid #ffeb3b";
    outer.style.boxShadow = "0 -2px 8px rgba(33, 43, 50, 0.3)";
    outer.style.paddingTop = "12px";
    var container = element("div", "nhsuk-width-container");
    var card = element("div", "nhsuk-card nhsuk-card--warning nhsuk-u-margin-bottom-3");
    var content = element("div", "nhsuk-card__content");
    var heading = element("h2", "nhsuk-card__heading");
    var label = element("span");
    label.setAttribute("role", "text");
    label.appendChild(element("span", "nhsuk-u-visually-hidden", "Important: "));
    label.appendChild(document.createTextNode(MESSAGES[mode].heading));
    heading.appendChild(label);
    panelText = element("p");
    content.appendChild(heading);
    content.appendChild(panelText);
    if (mode === "warning") {
      var button = element("button", "nhsuk-button nhsuk-u-margin-bottom-0", "Stay signed in");
      button.type = "button";
      button.addEventListener("click", staySignedIn);
      content.appendChild(button);
    }
    card.appendChild(content);
    container.appendChild(card);
    outer.appendChild(container);
    return outer;
  }

  function show(mode, left) {
    var text = MESSAGES[mode].text(left);
    if (panelMode !== mode) {
      hide();
      panel = buildPanel(mode);
      panelMode = mode;
      panelText.textContent = text;
      document.body.appendChild(panel);
      // Leave room below the page, so that nothing on it stays hidden behind the warning.
      document.body.style.paddingBottom = panel.offsetHeight + "px";
    } else if (panelText.textContent !== text) {
      panelText.textContent = text;
    }
  }

  function hide() {
    if (panel) {
      panel.remove();
      document.body.style.paddingBottom = "";
    }
    panel = null;
    panelMode = null;
  }

  function staySignedIn() {
    if (extending) return;
    extending = true;
    fetch("/stay-signed-in", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        extending = false;
        if (response.status !== 204) {
          show("ended");
          return;
        }
        check();
        if (lastFocused && document.contains(lastFocused)) lastFocused.focus();
      })
      .catch(function () {
        extending = false;
        if (panelText) panelText.textContent = "Sorry, that did not work. Try again.";
      });
  }

  function check() {
    var value = cookie(EXPIRES_COOKIE);
    if (value === null || value === SIGNED_OUT) {
      if (seenSignedIn) show(value === SIGNED_OUT ? "signed-out" : "ended");
      return;
    }
    var expires = Number(value) * 1000;
    if (!expires) return;
    seenSignedIn = true;
    var left = expires - Date.now();
    if (left <= 0) show("ended");
    else if (left <= WARN_MINUTES * 60000) show("warning", left);
    else hide();
  }

  function watchSession() {
    // Only pages shown to a signed-in user (they carry the sign-out form).
    if (!document.querySelector('form[action="/logout"]')) return;
    document.addEventListener("focusin", function (event) {
      if (!panel || !panel.contains(event.target)) lastFocused = event.target;
    });
    document.addEventListener("visibilitychange", check);
    window.addEventListener("focus", check);
    window.setInterval(check, CHECK_EVERY_MS);
    check();
  }

  restoreKeptForm();
  watchSession();
})();
