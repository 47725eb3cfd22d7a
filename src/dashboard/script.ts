// The dashboard's one small script (no build step): action forms call the control API with JSON and show its
// answer next to the form; the page refreshes its main content and the header clock every 2 s without a reload,
// paused while the user is in a form or reading an action's result. It never inserts markup from an answer except
// the server's own escaped page.

export const SCRIPT = `(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var inflight = false;

  function resultShowing() {
    var outs = document.querySelectorAll('output.result');
    for (var i = 0; i < outs.length; i++) if (outs[i].textContent.trim() !== '') return true;
    return false;
  }
  function paused() {
    if (document.hidden || inflight) return true;
    var a = document.activeElement;
    // a keyboard user keeps their place: nothing they are on is swapped away
    if (a && a !== document.body && a.closest && (a.closest('form') || a.closest('main'))) return true;
    // a chosen file would be lost with the form it sits in
    var files = document.querySelectorAll('input[type=file]');
    for (var i = 0; i < files.length; i++) if (files[i].files && files[i].files.length > 0) return true;
    return resultShowing();
  }

  function swap(text) {
    var doc = new DOMParser().parseFromString(text, 'text/html');
    var fresh = doc.querySelector('main');
    var main = document.querySelector('main');
    if (fresh && main) {
      main.innerHTML = fresh.innerHTML;
      var title = fresh.getAttribute('data-title');
      if (title) document.title = title;
    }
    var clock = doc.getElementById('clock');
    var here = document.getElementById('clock');
    if (clock && here) here.innerHTML = clock.innerHTML;
  }

  function refresh(force) {
    if (!force && paused()) return Promise.resolve();
    inflight = true;
    return fetch(location.href, { headers: { 'X-Dashboard-Partial': '1' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        inflight = false;
        // the user may have started typing while the answer was on its way
        if (text !== null && (force || !paused())) swap(text);
      })
      .catch(function () { inflight = false; });
  }

  function show(out, kind, message, issues) {
    if (!out) return;
    out.textContent = '';
    var line = document.createElement('span');
    line.className = kind;
    line.textContent = message;
    out.appendChild(line);
    if (issues && issues.length) {
      var list = document.createElement('ul');
      issues.forEach(function (issue) {
        var li = document.createElement('li');
        li.textContent = String(issue);
        list.appendChild(li);
      });
      out.appendChild(list);
    }
  }

  function fieldsBody(form) {
    var body = {};
    var controls = form.querySelectorAll('[name][data-type]');
    for (var i = 0; i < controls.length; i++) {
      var c = controls[i];
      var value = c.value.trim();
      if (value === '') continue;
      var type = c.getAttribute('data-type');
      if (type === 'number') {
        var n = Number(value);
        if (!isFinite(n)) throw new Error(c.name + ': not a number');
        body[c.name] = n;
      } else if (type === 'json') {
        try { body[c.name] = JSON.parse(value); } catch (e) { throw new Error(c.name + ': not valid JSON'); }
      } else body[c.name] = value;
    }
    return body;
  }

  function fileBody(form) {
    var input = form.querySelector('input[type=file]');
    var file = input && input.files && input.files[0];
    if (!file) return Promise.reject(new Error('Choose a file first'));
    return file.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { throw new Error(file.name + ' is not valid JSON'); }
    });
  }

  function formKey(form) {
    var same = document.querySelectorAll('form[data-action="' + CSS.escape(form.getAttribute('data-action') || '') + '"]');
    return { action: form.getAttribute('data-action'), index: Array.prototype.indexOf.call(same, form) };
  }
  function findForm(key) {
    var same = document.querySelectorAll('form[data-action="' + CSS.escape(key.action || '') + '"]');
    return same[key.index] || same[0] || null;
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-action')) return;
    ev.preventDefault();
    var out = form.querySelector('output.result');
    var method = form.getAttribute('data-method') || 'POST';
    var url = form.getAttribute('data-action');
    var replace = form.querySelector('input[name=replace]');
    if (replace && replace.checked) url += (url.indexOf('?') === -1 ? '?' : '&') + 'replace=true';
    var button = form.querySelector('button[type=submit], button:not([type])');
    var key = formKey(form);
    Promise.resolve()
      .then(function () { return form.classList.contains('upload') ? fileBody(form) : fieldsBody(form); })
      .then(function (body) {
        if (button) button.disabled = true;
        var init = { method: method, credentials: 'same-origin', headers: {} };
        if (method !== 'DELETE' || Object.keys(body).length > 0) {
          init.headers['Content-Type'] = 'application/json';
          init.body = JSON.stringify(body);
        }
        return fetch(url, init).then(function (res) {
          return res.text().then(function (text) {
            var data = null;
            try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
            return { res: res, data: data };
          });
        });
      })
      .then(function (r) {
        if (button) button.disabled = false;
        if (!r.res.ok) {
          var err = r.data && r.data.error;
          show(out, 'error', (err && err.message) || ('HTTP ' + r.res.status), err && err.issues);
          return;
        }
        var line = 'Done (HTTP ' + r.res.status + ')' + (r.data && r.data.now ? ': the clock is at ' + r.data.now : '');
        if (document.activeElement && form.contains(document.activeElement)) document.activeElement.blur();
        return refresh(true).then(function () {
          var again = findForm(key);
          var target = again ? again.querySelector('output.result') : null;
          show(target, 'ok', line);
          setTimeout(function () { if (target) target.textContent = ''; }, 3000);
        });
      })
      .catch(function (e) {
        if (button) button.disabled = false;
        show(out, 'error', e && e.message ? e.message : 'The request failed');
      });
  });

  // an error stays until the user changes the form
  document.addEventListener('input', function (ev) {
    var form = ev.target && ev.target.closest ? ev.target.closest('form[data-action]') : null;
    var out = form && form.querySelector('output.result');
    if (out) out.textContent = '';
  });

  if (document.body.getAttribute('data-live') === 'on') setInterval(function () { refresh(false); }, REFRESH_MS);
})();
`
