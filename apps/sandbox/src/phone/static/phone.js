// Phone simulator: texts the sandbox's Twilio numbers through the control API and polls the
// conversation. Plain browser JavaScript on purpose: the sandbox has no front-end build.
(function () {
  'use strict';
  var api = '/sandbox/twilio';
  var phoneInput = document.getElementById('phone');
  var numberSelect = document.getElementById('number');
  var list = document.getElementById('conversation');
  var empty = document.getElementById('empty');
  var compose = document.getElementById('compose');
  var bodyInput = document.getElementById('body');
  var mediaInput = document.getElementById('media');
  var twice = document.getElementById('twice');
  var statusLine = document.getElementById('status');
  var sendButton = compose.querySelector('button');
  var lastRendered = '';
  var goalList = document.getElementById('goals');
  var noGoals = document.getElementById('no-goals');
  var lastGoals = '';

  function params() {
    var q = new URLSearchParams(location.search);
    return { phone: q.get('phone'), number: q.get('number') };
  }

  function loadNumbers() {
    return fetch(api + '/numbers')
      .then(function (res) {
        return res.json();
      })
      .then(function (data) {
        numberSelect.innerHTML = '';
        data.numbers.forEach(function (n) {
          var option = document.createElement('option');
          option.value = n.phoneNumber;
          option.textContent =
            n.friendlyName +
            (n.kind === 'toll-free' ? ' (toll-free)' : '') +
            (n.messagingServiceSid ? ' · messaging service' : '') +
            (n.smsUrl ? '' : ' · no webhook');
          numberSelect.appendChild(option);
        });
        var wanted = params();
        if (wanted.number) numberSelect.value = wanted.number;
        if (wanted.phone) phoneInput.value = wanted.phone;
      });
  }

  function render(messages) {
    var number = numberSelect.value;
    var shown = messages.filter(function (m) {
      return m.direction === 'inbound' ? m.to === number : m.from === number || m.from === null;
    });
    var key = JSON.stringify(
      shown.map(function (m) {
        return [m.sid, m.status];
      }),
    );
    if (key === lastRendered) return;
    lastRendered = key;
    list.innerHTML = '';
    empty.hidden = shown.length > 0;
    shown.forEach(function (m) {
      var sent = m.direction === 'inbound';
      var item = document.createElement('li');
      item.className =
        'bubble ' +
        (sent ? 'sent' : 'received') +
        (m.status === 'failed' || m.status === 'undelivered' ? ' failed' : '');
      var text = document.createElement('span');
      text.textContent = m.body;
      item.appendChild(text);
      m.mediaUrls.forEach(function (url) {
        var img = document.createElement('img');
        img.src = url;
        img.alt = 'Picture attached to the text';
        item.appendChild(img);
      });
      var meta = document.createElement('span');
      meta.className = 'meta';
      var time = new Date(m.dateCreated).toLocaleTimeString();
      meta.textContent =
        (sent ? 'You · ' : 'App · ') +
        time +
        (sent ? '' : ' · ' + m.status + (m.errorCode ? ' (error ' + m.errorCode + ')' : ''));
      item.appendChild(meta);
      list.appendChild(item);
    });
    list.parentElement.scrollTop = list.parentElement.scrollHeight;
  }

  // The goals the app achieved in the Keap sandbox for the contacts with this phone.
  function pollGoals(phone) {
    return fetch('/sandbox/keap/goals?phone=' + encodeURIComponent(phone))
      .then(function (res) {
        return res.json();
      })
      .then(function (goals) {
        var key = JSON.stringify(goals);
        if (key === lastGoals) return;
        lastGoals = key;
        goalList.innerHTML = '';
        noGoals.hidden = goals.length > 0;
        goals.forEach(function (g) {
          var item = document.createElement('li');
          item.textContent =
            (g.integration !== null
              ? g.integration + ' · ' + g.call_name
              : 'campaign ' + g.automation_id + ' · goal ' + g.goal_id) +
            ' (contact ' +
            g.contact_id +
            ', ' +
            new Date(g.achieved_time).toLocaleTimeString() +
            ')';
          goalList.appendChild(item);
        });
      })
      .catch(function () {});
  }

  function poll() {
    var phone = phoneInput.value.trim();
    if (!phone) return Promise.resolve();
    pollGoals(phone);
    return fetch(api + '/phones/' + encodeURIComponent(phone) + '/messages')
      .then(function (res) {
        return res.json();
      })
      .then(function (data) {
        render(data.conversation || []);
      })
      .catch(function () {
        statusLine.textContent = 'The sandbox is not answering; retrying…';
      });
  }

  compose.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = bodyInput.value;
    var media = mediaInput.value.trim();
    if (!body.trim() && !media) {
      statusLine.textContent = 'Type a message or add a picture URL first.';
      return;
    }
    sendButton.disabled = true;
    statusLine.textContent = 'Sending…';
    fetch(api + '/inbound', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        from: phoneInput.value.trim(),
        to: numberSelect.value,
        body: body,
        mediaUrls: media ? [media] : [],
        deliverTwice: twice.checked,
      }),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          return { ok: res.ok, data: data };
        });
      })
      .then(function (r) {
        if (!r.ok) {
          statusLine.textContent = 'Not sent: ' + (r.data.message || r.data.error || 'error');
          return;
        }
        var d = r.data.deliveries;
        statusLine.textContent =
          d.length === 0
            ? 'Sent, but this number has no webhook URL yet.'
            : 'Sent; the app answered HTTP ' +
              d
                .map(function (x) {
                  return x.responseStatus || x.error;
                })
                .join(', ') +
              '.';
        bodyInput.value = '';
        mediaInput.value = '';
        return poll();
      })
      .catch(function () {
        statusLine.textContent = 'Not sent: the sandbox is not answering.';
      })
      .then(function () {
        sendButton.disabled = false;
        bodyInput.focus();
      });
  });

  // Enter sends, Shift+Enter starts a new line, as in messaging apps.
  bodyInput.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      compose.requestSubmit();
    }
  });
  phoneInput.addEventListener('change', function () {
    lastRendered = '';
    poll();
  });
  numberSelect.addEventListener('change', function () {
    lastRendered = '';
    poll();
  });

  loadNumbers().then(poll);
  setInterval(poll, 1500);
})();
