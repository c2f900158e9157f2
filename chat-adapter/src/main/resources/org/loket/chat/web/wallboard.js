// Supervisor wallboard: subscribes once over /ws/wallboard; the server pushes the picture when it
// changes (at most once per update interval), and the page updates its rows and cells in place
// (a screen reader keeps its place, a selection stays). The token may come in the URL fragment
// (#token=...), which the browser never sends to the server. A supervisor of the configuration may
// sign in instead, with its name and the secret chat.agent-secrets-file gives it, and set or clear
// the service announcement. Durations read m:ss (h min beyond an hour); clock times are the helpdesk's.
(function () {
  'use strict';
  // What the page subscribes with is kept for this browser tab only (sessionStorage: gone when the
  // tab closes, never shared with other tabs, never in the URL): the shared token, or the session a
  // supervisor's sign-in gave (the secret itself is not kept). "Sign out" forgets it. The server ends
  // a session an hour after its last use (chat.supervisor-idle-minutes) and 12 hours after the sign-in.
  const KEPT = 'loket.wallboard.subscribe';
  let ws = null;
  // What the page subscribes with, again after a reconnect or a reload: {token} or {session}; the
  // name and secret of a supervisor signing in until the server answers with a session.
  let credentials = null;
  let kept = false;
  let signingOut = false;
  // Whether this page's socket was open before: a later open is a reconnect.
  let opened = false;
  // Why the page started again empty: a session that ended while it showed the board.
  const ENDED = 'loket.wallboard.ended';
  const errorBox = document.getElementById('error');

  function keep(c) {
    credentials = c;
    kept = true;
    try {
      sessionStorage.setItem(KEPT, JSON.stringify(c));
    } catch (storageOff) {
      // storage turned off in this browser: the page works, a reload asks again
    }
  }

  function forget() {
    credentials = null;
    kept = false;
    try {
      sessionStorage.removeItem(KEPT);
    } catch (storageOff) {
      // nothing was kept
    }
  }

  // The token and sign-in forms while the page shows nothing; "Sign out" while it shows what it keeps.
  function showForms(show) {
    document.getElementById('token-form').classList.toggle('hidden', !show);
    document.getElementById('sign-in-form').classList.toggle('hidden', !show);
    document.getElementById('sign-out').classList.toggle('hidden', show || !kept);
  }

  let last = null;

  // How far this browser's clock runs ahead of the server's (the frame's "at"): the times the server
  // sends (joined, in state since, out of adherence since) are its clock's, counted on here.
  let skewMs = 0;
  // The agents a signed-in supervisor supervises (null: not signed in).
  let mine = null;

  function options(selectId, values) {
    const select = document.getElementById(selectId);
    select.replaceChildren();
    values.forEach(function (v) {
      const option = document.createElement('option');
      option.value = v;
      option.textContent = v;
      select.appendChild(option);
    });
  }

  function secondsSince(ms) {
    return Math.max(0, Math.floor((Date.now() - skewMs - ms) / 1000));
  }

  function twoDigits(n) {
    return (n < 10 ? '0' : '') + n;
  }

  // Every duration on the page in one form: 4:05 under an hour, 1 h 02 min under a day, 2 d 03 h beyond.
  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 3600) {
      return Math.floor(s / 60) + ':' + twoDigits(s % 60);
    }
    if (s < 86400) {
      return Math.floor(s / 3600) + ' h ' + twoDigits(Math.floor(s % 3600 / 60)) + ' min';
    }
    return Math.floor(s / 86400) + ' d ' + twoDigits(Math.floor(s % 86400 / 3600)) + ' h';
  }

  // Clock times in the helpdesk's zone (the configuration's hours zone, as "today" and the schedule
  // count), not the browser's or UTC. A zone this browser does not know: the server's offset at "at".
  let formats = null;
  function localFormats(w) {
    if (formats && formats.zone === w.zone && formats.offset === w.utcOffsetSeconds) {
      return formats;
    }
    let zone = w.zone;
    let shiftMs = 0;
    try {
      new Intl.DateTimeFormat('en-GB', {timeZone: zone});
    } catch (unknownZone) {
      zone = 'UTC';
      shiftMs = w.utcOffsetSeconds * 1000;
    }
    const day = new Intl.DateTimeFormat('en-GB', {timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric'});
    const time = new Intl.DateTimeFormat('en-GB', {timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
    formats = {zone: w.zone, offset: w.utcOffsetSeconds,
      day: function (ms) { return day.format(new Date(ms + shiftMs)); },
      time: function (ms) { return time.format(new Date(ms + shiftMs)); }};
    return formats;
  }

  // A node's text and title change only when they differ: a rewrite replaces the text node, and a
  // selection in it and a screen reader's place go with it.
  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function setTitle(node, title) {
    if (node.title !== title) {
      node.title = title;
    }
  }

  /**
   * One row per item (by its name, in data-KEY) in the items' order, each cell's text from
   * valuesOf: rows that stay are updated in place, rows are added, moved and removed only when the
   * set or its order changes; decorate sets classes and titles.
   */
  function syncRows(tbody, key, items, valuesOf, decorate) {
    const old = new Map();
    Array.from(tbody.rows).forEach(function (r) { old.set(r.dataset[key], r); });
    let next = tbody.firstElementChild;
    items.forEach(function (item) {
      let tr = old.get(item.name);
      if (tr) {
        old.delete(item.name);
      } else {
        tr = document.createElement('tr');
        tr.dataset[key] = item.name;
      }
      const values = valuesOf(item);
      while (tr.cells.length < values.length) {
        // The first cell, the item's name, heads its row: a screen reader says it with every figure.
        const cell = document.createElement(tr.cells.length === 0 ? 'th' : 'td');
        if (tr.cells.length === 0) {
          cell.scope = 'row';
        }
        tr.appendChild(cell);
      }
      values.forEach(function (v, i) { setText(tr.cells[i], v === null || v === undefined ? '–' : String(v)); });
      decorate(tr, item);
      if (tr === next) {
        next = tr.nextElementSibling;
      } else {
        tbody.insertBefore(tr, next);
      }
    });
    old.forEach(function (r) { r.remove(); });
  }

  function render(w) {
    last = w;
    const nowMs = Date.now() - skewMs;
    const local = localFormats(w);
    setText(document.getElementById('at'), '· ' + local.day(nowMs) + ' · ' + local.time(nowMs) + ' (' + w.zone + ')');
    // What every caller and chat hears first while the operator has set a service announcement.
    const announcement = document.getElementById('announcement');
    announcement.classList.toggle('hidden', !w.announcement);
    setText(announcement, w.announcement ? 'Service announcement to every caller and chat since '
      + local.time(w.announcement.sinceMs)
      + ' (' + w.announcement.prompt + '): ' + w.announcement.text
      // Did it help? Those told today who ended: in self-service, or queued anyway and gave up more or less than everyone.
      + ' · heard by ' + w.announcement.heard
      + (w.announcement.leftBeforeQueuePercent == null ? '' : ' · ' + w.announcement.leftBeforeQueuePercent + ' % left before queueing')
      + (w.announcement.abandonPercent == null ? '' : ' · abandoned ' + w.announcement.abandonPercent + ' % (everyone '
        + w.announcement.everyoneAbandonPercent + ' %)') : '');
    // Today: offered 812 · answered 790 · abandoned 22 · service level 91.2 % (target 81.4 %) · came back 35 (after an abandon 20)
    const d = w.today || {};
    const dayTotals = document.getElementById('day-totals');
    setText(dayTotals, 'Today: offered ' + (d.offered || 0) + ' · answered ' + (d.answered || 0) + ' · abandoned ' + (d.abandoned || 0)
      + ' · service level ' + (d.serviceLevelPercent == null ? '–' : d.serviceLevelPercent + ' %')
      + (d.targetPercent == null ? '' : ' (target ' + d.targetPercent + ' %)')
      + ' · came back ' + (d.repeats || 0) + ' (after an abandon ' + (d.redials || 0) + ')');
    dayTotals.classList.toggle('alarm', d.serviceLevelPercent != null && d.targetPercent != null && d.serviceLevelPercent < d.targetPercent);
    syncRows(document.querySelector('#queues tbody'), 'queue', w.queues, function (q) {
      return [q.name, q.channel, q.waiting, duration(q.oldestJoinedMs ? secondsSince(q.oldestJoinedMs) : 0), q.answered, q.abandoned,
        q.serviceLevelPercent === null ? null : q.serviceLevelPercent + ' %',
        q.targetWorkingDays ? q.targetWorkingDays + ' wd' : duration(q.targetSeconds), q.transferredIn,
        q.agents.ready, q.agents.offered, q.agents.busy, q.agents.wrap_up, q.agents.paused];
    }, function (tr, q) {
      // What a supervisor acts on: someone waits past the queue's threshold, today's level is under target.
      tr.cells[3].classList.toggle('alarm', q.oldestDueMs !== undefined && nowMs > q.oldestDueMs);
      tr.cells[6].classList.toggle('alarm', q.serviceLevelPercent !== null && q.serviceLevelPercent < q.targetPercent);
    });
    // ready 12 · offered 1 · busy 3 · wrap-up 2 · paused 4 (break 3, no-answer 1)
    const t = w.agentTotals || {};
    const reasons = Object.entries(w.pausedByReason || {}).map(function (e) { return e[0] + ' ' + e[1]; }).join(', ');
    setText(document.getElementById('agent-totals'), ['ready', 'offered', 'busy', 'wrap_up', 'paused']
      .map(function (s) { return s.replace('_', '-') + ' ' + (t[s] || 0); }).join(' · ') + (reasons ? ' (' + reasons + ')' : ''));
    // Real-time adherence: out of adherence shows red once it lasted the grace (a late login, a pause
    // during planned work, work through a planned break); counted here, as times in state are.
    const schedule = w.schedule || {};
    const grace = schedule.graceSeconds || 0;
    function outFor(a) {
      return a.adheres === false ? secondsSince(a.outSinceMs) : -1;
    }
    const late = w.agents.filter(function (a) { return outFor(a) >= grace; }).length;
    // A signed-in supervisor may show only the agents it supervises (the figures above stay the floor's).
    const onlyMine = mine && document.getElementById('only-mine').checked;
    syncRows(document.querySelector('#agents tbody'), 'agent', w.agents.filter(function (a) { return !onlyMine || mine.has(a.name); }),
      function (a) {
        const plan = a.planned === 'off' ? (a.shift ? 'off · ' + a.shift : '') : a.planned + (a.plannedUntil ? ' until ' + a.plannedUntil : '');
        // An agent who paused (or logged out) while holding contacts: "then break" ("then log out")
        // until the last one is done.
        const said = a.loggingOut ? 'then log out' : a.pausing ? 'then ' + a.reason : a.reason;
        // Offered no calls while its phone does not answer (its other work goes on).
        const reason = a.voiceOff ? (said ? said + ' · ' : '') + 'no calls: phone does not answer' : said;
        return [a.name, a.state.replace('_', '-'), reason, duration(secondsSince(a.sinceMs)), a.contacts, plan];
      }, function (tr, a) {
        // The number a supervisor's phone dials to listen in (*58N), whisper (*59N) or barge in (*60N).
        setTitle(tr.cells[0], a.number > 0 ? 'agent number ' + a.number + ' (listen in: *58' + a.number + ')' : '');
        const out = outFor(a);
        tr.cells[5].classList.toggle('alarm', out >= grace);
        setTitle(tr.cells[5], out >= grace ? 'out of adherence for ' + duration(out) : '');
      });
    const scheduleTotals = document.getElementById('schedule-totals');
    setText(scheduleTotals, schedule.onShift
      ? 'Schedule now: ' + schedule.onShift + ' on shift (' + (schedule.onBreak || 0) + ' on a planned break) · out of adherence '
        + late + (late === 1 ? ' agent' : ' agents') + ' for ' + duration(grace) + ' or more'
      : '');
    scheduleTotals.classList.toggle('alarm', late > 0);
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    ws = new WebSocket(scheme + location.host + '/ws/wallboard');
    ws.addEventListener('open', function () {
      if (credentials) {
        // A session's reconnect is the page's doing, not the supervisor's: it does not keep an idle session going.
        ws.send(JSON.stringify(opened && credentials.session ? Object.assign({reconnect: true}, credentials) : credentials));
      }
      opened = true;
    });
    ws.addEventListener('message', function (e) {
      const f = JSON.parse(e.data);
      if (f.type === 'wallboard') {
        skewMs = Date.now() - Date.parse(f.at);
        if (!kept && credentials && credentials.token) {
          keep(credentials); // the shared token, shown: kept for reloads of this tab
          document.getElementById('token').value = '';
        }
        showForms(false);
        errorBox.textContent = '';
        render(f);
      } else if (f.type === 'supervisor-session') {
        // Signed in: the session stands for the name and secret from now on (reconnects, reloads).
        keep({type: 'subscribe', session: f.token});
        document.getElementById('secret').value = '';
      } else if (f.type === 'signed-out') {
        location.reload();
      } else if (f.type === 'signed-in') {
        // A supervisor may set or clear the service announcement; the select lists the configuration's prompts.
        document.getElementById('signed-in').textContent = '· signed in as ' + f.supervisor;
        const select = document.getElementById('announce-prompt');
        select.replaceChildren();
        f.prompts.forEach(function (p) {
          const option = document.createElement('option');
          option.value = p.prompt;
          option.textContent = p.prompt + ': ' + p.text.substring(0, 60);
          option.title = p.text;
          select.appendChild(option);
        });
        document.getElementById('announce-form').classList.remove('hidden');
        // ... and change the state of the agents it supervises (an agent left not-ready, one who forgot to log out).
        options('agent-name', f.agents);
        mine = new Set(f.agents);
        options('agent-reason', f.pauseReasons);
        options('listen-mode', f.monitorModes);
        document.getElementById('listen-mode').classList.toggle('hidden', f.monitorModes.length === 0);
        document.getElementById('agent-listen').classList.toggle('hidden', f.monitorModes.length === 0);
        document.getElementById('agent-form').classList.toggle('hidden', f.agents.length === 0);
      } else if (f.type === 'ringing') {
        document.getElementById('listen-status').textContent = 'Your phone rings: answer it to ' + f.mode + ' to ' + f.agent + '.';
      } else if (f.type === 'error' && (f.code === 'monitor-refused' || f.code === 'no-phone')) {
        document.getElementById('listen-status').textContent = f.message;
      } else if (f.type === 'error' && f.code === 'removed') {
        mine = null;
        document.getElementById('announce-form').classList.add('hidden');
        document.getElementById('agent-form').classList.add('hidden');
        document.getElementById('signed-in').textContent = '';
        errorBox.textContent = f.message;
      } else if (f.type === 'error' && f.code === 'session-ended' && last) {
        // The session ended while the board showed (idle, or hours after the sign-in): the page
        // starts again empty, saying why, as after "Sign out".
        forget();
        try {
          sessionStorage.setItem(ENDED, f.message);
        } catch (storageOff) {
          // the page starts again without the reason
        }
        location.reload();
      } else if (f.type === 'error' && (f.code === 'unauthorised' || f.code === 'locked' || f.code === 'session-ended')) {
        // Refused: not tried again on a reconnect or a reload; the forms ask anew.
        forget();
        showForms(true);
        errorBox.textContent = f.message;
      } else if (f.type === 'error') {
        errorBox.textContent = f.message;
      }
    });
    ws.addEventListener('close', function () {
      if (signingOut) {
        location.reload();
      } else {
        setTimeout(connect, 1000);
      }
    });
  }

  document.getElementById('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    credentials = {type: 'subscribe', token: document.getElementById('token').value};
    ws.send(JSON.stringify(credentials));
  });
  document.getElementById('sign-in-form').addEventListener('submit', function (e) {
    e.preventDefault();
    credentials = {type: 'subscribe', supervisor: document.getElementById('supervisor').value,
      secret: document.getElementById('secret').value};
    ws.send(JSON.stringify(credentials));
  });
  // Sign out: the tab forgets what it subscribed with, a supervisor's session ends on the server,
  // and the page starts again empty.
  document.getElementById('sign-out').addEventListener('click', function () {
    forget();
    signingOut = true;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send('{"type":"sign-out"}');
    } else {
      location.reload();
    }
  });
  document.getElementById('announce-form').addEventListener('submit', function (e) {
    e.preventDefault();
    ws.send(JSON.stringify({type: 'announce', prompt: document.getElementById('announce-prompt').value}));
  });
  document.getElementById('clear-announcement').addEventListener('click', function () {
    ws.send(JSON.stringify({type: 'announce', prompt: null}));
  });
  function agentState(state) {
    ws.send(JSON.stringify({type: 'agent-state', agent: document.getElementById('agent-name').value, state: state,
      reason: document.getElementById('agent-reason').value}));
  }
  document.getElementById('agent-ready').addEventListener('click', function () { agentState('ready'); });
  document.getElementById('agent-pause').addEventListener('click', function () { agentState('paused'); });
  document.getElementById('agent-logout').addEventListener('click', function () { agentState('logged-out'); });
  document.getElementById('only-mine').addEventListener('change', function () { if (last) { render(last); } });
  document.getElementById('agent-listen').addEventListener('click', function () {
    document.getElementById('listen-status').textContent = '';
    ws.send(JSON.stringify({type: 'listen', agent: document.getElementById('agent-name').value,
      mode: document.getElementById('listen-mode').value}));
  });
  // A wall display's bookmark may carry the token in the fragment (never sent to the server): taken
  // out of the address at once, and kept like a typed one once the server accepts it.
  const m = /token=([^&]+)/.exec(location.hash);
  if (m) {
    credentials = {type: 'subscribe', token: decodeURIComponent(m[1])};
    history.replaceState(null, '', location.pathname);
  } else {
    try {
      credentials = JSON.parse(sessionStorage.getItem(KEPT));
      kept = credentials !== null;
    } catch (notJson) {
      forget();
    }
  }
  showForms(!credentials);
  try {
    errorBox.textContent = sessionStorage.getItem(ENDED) || '';
    sessionStorage.removeItem(ENDED);
  } catch (storageOff) {
    // nothing was kept
  }
  setInterval(function () { if (ws && ws.readyState === WebSocket.OPEN) { ws.send('{"type":"ping"}'); } }, 20000);
  // waits and times in state move on between pushes: counted here, not asked of the server
  setInterval(function () { if (last) { render(last); } }, 1000);
  connect();
}());
