/*
 * The clinic's chat widget: a small, dependency-free window over Rasa's REST channel.
 *
 * Embed with one script tag (see README "Put the chat on your website"):
 *   <script src="https://your-server/widget.js" data-server="https://your-server:5005"
 *           data-title="Ask about iontophoresis" data-color="#005eb8" defer></script>
 *
 * Everything shown is set as text (textContent), never as HTML, so a message
 * can't run script. The conversation lives in sessionStorage: it survives a
 * reload but not closing the browser, which matters on a shared computer.
 * "Delete this conversation" asks the assistant to delete it on the server
 * (it asks the patient to confirm first); once it is deleted, the widget
 * starts a new conversation with a new id.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var config = {
    server: (script && script.dataset.server) || "http://localhost:5005",
    title: (script && script.dataset.title) || "Ask about iontophoresis",
    color: (script && script.dataset.color) || "#005eb8",
    open: script && script.dataset.open === "true",
  };
  // widget.css and clinic.json are served next to widget.js.
  var base = script && script.src ? script.src.replace(/[^/]*$/, "") : "./";
  var STORE_KEY = "ionto-chat";
  var URL_PATTERN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  function newConversationId() {
    var bytes = new Uint8Array(16); // 128 bits
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY));
      if (saved && /^[0-9a-f]{32}$/.test(saved.id) && Array.isArray(saved.messages)) return saved;
    } catch (ignored) { /* a broken store starts a new conversation */ }
    return { id: newConversationId(), messages: [], open: config.open };
  }

  var state = load();
  function save() { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Text with web addresses turned into safe links; everything else stays text.
  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (url, _g, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url));
      last = offset + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ---- the window ----
  var root = el("div", { class: "ionto-chat" });
  root.style.setProperty("--ionto-accent", config.color);
  var launcher = el("button", { type: "button", class: "ionto-launcher", "aria-expanded": "false", "aria-controls": "ionto-panel" }, "Chat: " + config.title);
  var panel = el("section", { id: "ionto-panel", class: "ionto-panel", role: "region", "aria-label": config.title });
  var header = el("div", { class: "ionto-header" });
  var heading = el("h2", { class: "ionto-title" }, config.title);
  var restart = el("button", { type: "button", class: "ionto-restart" }, "Start over");
  var close = el("button", { type: "button", class: "ionto-close", "aria-label": "Close chat" }, "×");
  header.append(heading, restart, close);
  var notice = el("p", { class: "ionto-notice" }, "Not for emergencies: if you are very unwell, call 999.");
  var log = el("div", { class: "ionto-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("p", { class: "ionto-typing", hidden: "" }, "The assistant is typing…");
  var status = el("p", { class: "ionto-status", role: "status" });
  var form = el("form", { class: "ionto-form" });
  var label = el("label", { for: "ionto-input", class: "ionto-visually-hidden" }, "Your message");
  var input = el("input", { id: "ionto-input", type: "text", autocomplete: "off", placeholder: "Type your question…" });
  var send = el("button", { type: "submit", class: "ionto-send" }, "Send");
  form.append(label, input, send);
  var privacy = el("p", { class: "ionto-privacy" });
  var forget = el("button", { type: "button", class: "ionto-forget" }, "Delete this conversation");
  privacy.append(forget);
  panel.append(header, notice, log, typing, status, form, privacy);
  root.append(launcher, panel);

  function renderMessage(message, index) {
    var bubble = el("div", { class: "ionto-msg ionto-" + message.from });
    bubble.appendChild(el("span", { class: "ionto-visually-hidden" }, message.from === "bot" ? "Assistant: " : "You: "));
    var body = el("p");
    body.appendChild(richText(message.text || ""));
    bubble.appendChild(body);
    var isLatest = index === state.messages.length - 1 || state.messages.slice(index + 1).every(function (m) { return m.from === "bot"; });
    if (message.buttons && message.buttons.length && isLatest) {
      var group = el("div", { class: "ionto-buttons", role: "group", "aria-label": "Suggested answers" });
      message.buttons.forEach(function (button) {
        var b = el("button", { type: "button", class: "ionto-choice" }, button.title);
        b.addEventListener("click", function () { sendMessage(button.payload, button.title); });
        group.appendChild(b);
      });
      bubble.appendChild(group);
    }
    return bubble;
  }

  function render() {
    log.replaceChildren.apply(log, state.messages.map(renderMessage));
    log.scrollTop = log.scrollHeight;
    panel.hidden = !state.open;
    launcher.hidden = state.open;
    launcher.setAttribute("aria-expanded", String(state.open));
  }

  function addMessages(messages) {
    messages.forEach(function (m) { state.messages.push(m); });
    save();
    render();
  }

  // Messages go to the server one at a time, in the order the patient sent them.
  var queue = Promise.resolve();
  function sendMessage(payload, shownText) {
    if (shownText) addMessages([{ from: "user", text: shownText }]);
    queue = queue.then(function () { return post(payload); });
    return queue;
  }

  // While the server restarts (a new model, an update), keep trying for about a
  // minute, saying so, then give up politely.
  var RETRY_DELAYS_MS = [500, 1000, 2000, 3000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000];

  function post(payload, attempt) {
    attempt = attempt || 0;
    typing.hidden = false;
    return fetch(config.server.replace(/\/$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.id, message: payload }),
    })
      .then(function (response) {
        // A refused message (400, 413) would be refused again: say so instead of retrying.
        // Too fast (429) and server errors are retried.
        if (response.status >= 400 && response.status < 500 && response.status !== 429) {
          return [{ text: "Sorry, I couldn't read that message. Please write it again in fewer words." }];
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (replies) {
        status.textContent = "";
        typing.hidden = true;
        var shown = replies.filter(function (r) { return r.text || (r.buttons && r.buttons.length); }).map(function (r) {
          return { from: "bot", text: r.text || "", buttons: (r.buttons || []).map(function (b) { return { title: b.title, payload: b.payload }; }) };
        });
        // The server deleted this conversation: what it said stays on screen, at the top of a new one.
        var deleted = replies.some(function (r) { return r.custom && r.custom.conversation_deleted === true; });
        if (deleted) startFresh(shown);
        else addMessages(shown);
      })
      .catch(function () {
        if (attempt < RETRY_DELAYS_MS.length) {
          status.textContent = "Reconnecting…";
          return new Promise(function (resolve) { setTimeout(resolve, RETRY_DELAYS_MS[attempt]); })
            .then(function () { return post(payload, attempt + 1); });
        }
        typing.hidden = true;
        status.textContent = "Sorry, the assistant can't be reached right now. Please try again later, or call the clinic.";
      });
  }

  function start() {
    if (state.messages.length === 0) sendMessage("/greet");
  }

  // A new conversation id, and nothing of the old conversation kept in the browser.
  function startFresh(notes) {
    state = { id: newConversationId(), messages: notes, open: true };
    save();
    render();
    input.focus();
    sendMessage("/greet");
  }

  launcher.addEventListener("click", function () {
    state.open = !state.open;
    save();
    render();
    if (state.open) { input.focus(); start(); }
  });
  close.addEventListener("click", function () {
    state.open = false;
    save();
    render();
    launcher.focus();
  });
  restart.addEventListener("click", function () { startFresh([]); });
  forget.addEventListener("click", function () { sendMessage("/forget_me", "Delete this conversation"); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendMessage(text, text);
  });

  function showClinicDetails() {
    // The emergency number comes from the clinic's own details (content/clinic.yml), and the longest
    // message the assistant takes from its settings (CLINIC_MAX_MESSAGE_CHARS): both in clinic.json.
    fetch(base + "clinic.json")
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (clinic) {
        if (clinic && clinic.emergency_number) {
          notice.textContent = "Not for emergencies: if you are very unwell, call " + clinic.emergency_number + ".";
        }
        if (clinic && clinic.max_message_chars > 0) input.maxLength = clinic.max_message_chars;
      })
      .catch(function () { /* keep the default notice */ });
  }

  function mount() {
    var css = el("link", { rel: "stylesheet", href: base + "widget.css" });
    document.head.appendChild(css);
    document.body.appendChild(root);
    showClinicDetails();
    render();
    if (state.open) start();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
