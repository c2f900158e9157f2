// Supervisor wallboard: subscribes once over /ws/wallboard; the server pushes the picture when it
// changes (at most once per update interval). The token may come in the URL fragment (#token=...),
// which the browser never sends to the server. A supervisor of the configuration may sign in instead,
// with its name and the secret chat.agent-secrets-file gives it, and set or clear the service announcement.
(function () {
  'use strict';
  let ws = null;
  // What the page subscribes with, again after a reconnect: the shared token, or a supervisor's name and secret.
  let credentials = null;
  const errorBox = document.getElementById('error');

  function cell(row, value) {
    const td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '–' : String(value);
    row.appendChild(td);
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

  function render(w) {
    last = w;
    document.getElementById('at').textContent = '· ' + w.at;
    // What every caller and chat hears first while the operator has set a service announcement.
    const announcement = document.getElementById('announcement');
    announcement.classList.toggle('hidden', !w.announcement);
    announcement.textContent = w.announcement ? 'Service announcement to every caller and chat since '
      + new Date(w.announcement.sinceMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      + ' (' + w.announcement.prompt + '): ' + w.announcement.text
      // Did it help? Those told today who ended: in self-service, or queued anyway and gave up more or less than everyone.
      + ' · heard by ' + w.announcement.heard
      + (w.announcement.leftBeforeQueuePercent == null ? '' : ' · ' + w.announcement.leftBeforeQueuePercent + ' % left before queueing')
      + (w.announcement.abandonPercent == null ? '' : ' · abandoned ' + w.announcement.abandonPercent + ' % (everyone '
        + w.announcement.everyoneAbandonPercent + ' %)') : '';
    // Today: offered 812 · answered 790 · abandoned 22 · service level 91.2 % (target 81.4 %) · came back 35 (after an abandon 20)
    const d = w.today || {};
    const dayTotals = document.getElementById('day-totals');
    dayTotals.textContent = 'Today: offered ' + (d.offered || 0) + ' · answered ' + (d.answered || 0) + ' · abandoned ' + (d.abandoned || 0)
      + ' · service level ' + (d.serviceLevelPercent == null ? '–' : d.serviceLevelPercent + ' %')
      + (d.targetPercent == null ? '' : ' (target ' + d.targetPercent + ' %)')
      + ' · came back ' + (d.repeats || 0) + ' (after an abandon ' + (d.redials || 0) + ')';
    dayTotals.classList.toggle('alarm', d.serviceLevelPercent != null && d.targetPercent != null && d.serviceLevelPercent < d.targetPercent);
    const qs = document.querySelector('#queues tbody');
    qs.replaceChildren();
    w.queues.forEach(function (q) {
      const tr = document.createElement('tr');
      tr.dataset.queue = q.name;
      const longest = q.oldestJoinedMs ? secondsSince(q.oldestJoinedMs) : 0;
      [q.name, q.channel, q.waiting, longest, q.answered, q.abandoned,
        q.serviceLevelPercent === null ? null : q.serviceLevelPercent + ' %',
        q.targetWorkingDays ? q.targetWorkingDays + ' wd' : q.targetSeconds + ' s', q.transferredIn,
        q.agents.ready, q.agents.offered, q.agents.busy, q.agents.wrap_up, q.agents.paused].forEach(function (v) { cell(tr, v); });
      // What a supervisor acts on: someone waits past the queue's threshold, today's level is under target.
      tr.children[3].classList.toggle('alarm', q.oldestDueMs !== undefined && Date.now() - skewMs > q.oldestDueMs);
      tr.children[6].classList.toggle('alarm', q.serviceLevelPercent !== null && q.serviceLevelPercent < q.targetPercent);
      qs.appendChild(tr);
    });
    // ready 12 · offered 1 · busy 3 · wrap-up 2 · paused 4 (break 3, no-answer 1)
    const t = w.agentTotals || {};
    const reasons = Object.entries(w.pausedByReason || {}).map(function (e) { return e[0] + ' ' + e[1]; }).join(', ');
    document.getElementById('agent-totals').textContent = ['ready', 'offered', 'busy', 'wrap_up', 'paused']
      .map(function (s) { return s.replace('_', '-') + ' ' + (t[s] || 0); }).join(' · ') + (reasons ? ' (' + reasons + ')' : '');
    const as = document.querySelector('#agents tbody');
    as.replaceChildren();
    // Real-time adherence: out of adherence shows red once it lasted the grace (a late login, a pause
    // during planned work, work through a planned break); counted here, as times in state are.
    const schedule = w.schedule || {};
    const grace = schedule.graceSeconds || 0;
    let late = 0;
    w.agents.forEach(function (a) {
      const tr = document.createElement('tr');
      tr.dataset.agent = a.name;
      const plan = a.planned === 'off' ? (a.shift ? 'off · ' + a.shift : '') : a.planned + (a.plannedUntil ? ' until ' + a.plannedUntil : '');
      // An agent who paused (or logged out) while holding contacts: "then break" ("then log out")
      // until the last one is done.
      const reason = a.loggingOut ? 'then log out' : a.pausing ? 'then ' + a.reason : a.reason;
      [a.name, a.state.replace('_', '-'), reason, secondsSince(a.sinceMs), a.contacts, plan].forEach(function (v) { cell(tr, v); });
      // The number a supervisor's phone dials to listen in (*58N), whisper (*59N) or barge in (*60N).
      if (a.number > 0) {
        tr.children[0].title = 'agent number ' + a.number + ' (listen in: *58' + a.number + ')';
      }
      const outFor = a.adheres === false ? secondsSince(a.outSinceMs) : -1;
      if (outFor >= grace) {
        late++;
        tr.children[5].classList.add('alarm');
        tr.children[5].title = 'out of adherence for ' + outFor + ' s';
      }
      // A signed-in supervisor may show only the agents it supervises (the figures above stay the floor's).
      if (!(mine && document.getElementById('only-mine').checked && !mine.has(a.name))) {
        as.appendChild(tr);
      }
    });
    document.getElementById('schedule-totals').textContent = schedule.onShift
      ? 'Schedule now: ' + schedule.onShift + ' on shift (' + (schedule.onBreak || 0) + ' on a planned break) · out of adherence '
        + late + (late === 1 ? ' agent' : ' agents') + ' for ' + grace + ' s or more'
      : '';
    document.getElementById('schedule-totals').classList.toggle('alarm', late > 0);
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    ws = new WebSocket(scheme + location.host + '/ws/wallboard');
    ws.addEventListener('open', function () { if (credentials) { ws.send(JSON.stringify(credentials)); } });
    ws.addEventListener('message', function (e) {
      const f = JSON.parse(e.data);
      if (f.type === 'wallboard') {
        skewMs = Date.now() - Date.parse(f.at);
        document.getElementById('token-form').classList.add('hidden');
        document.getElementById('sign-in-form').classList.add('hidden');
        errorBox.textContent = '';
        render(f);
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
      } else if (f.type === 'error') {
        errorBox.textContent = f.message;
      }
    });
    ws.addEventListener('close', function () { setTimeout(connect, 1000); });
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
  const m = /token=([^&]+)/.exec(location.hash);
  if (m) {
    credentials = {type: 'subscribe', token: decodeURIComponent(m[1])};
    history.replaceState(null, '', location.pathname);
  }
  setInterval(function () { if (ws && ws.readyState === WebSocket.OPEN) { ws.send('{"type":"ping"}'); } }, 20000);
  // waits and times in state move on between pushes: counted here, not asked of the server
  setInterval(function () { if (last) { render(last); } }, 1000);
  connect();
}());
