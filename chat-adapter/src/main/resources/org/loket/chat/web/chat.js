// Citizen chat widget: one WebSocket to /ws/citizen. The bot renders the self-service flow the
// IVR speaks; a resume token in sessionStorage brings a reloaded page back to the same chat.
(function () {
  'use strict';
  const TOKEN_KEY = 'loket.chat.token';
  const log = document.getElementById('log');
  const options = document.getElementById('options');
  const status = document.getElementById('status');
  const errorBox = document.getElementById('error');
  const text = document.getElementById('text');
  let ws = null;
  let retryMs = 500;
  let started = false;

  function line(from, body) {
    const div = document.createElement('div');
    div.className = 'line ' + from;
    div.textContent = body;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(frame));
    }
  }

  function showOptions(list) {
    options.replaceChildren();
    (list || []).forEach(function (o) {
      const b = document.createElement('button');
      b.className = 'option';
      b.dataset.input = o.input;
      b.textContent = o.key + ' · ' + o.label;
      b.addEventListener('click', function () {
        line('citizen', o.label);
        options.replaceChildren();
        send({type: 'choose', input: o.input, label: o.label});
      });
      options.appendChild(b);
    });
  }

  function showCallbackOffer() {
    options.replaceChildren();
    const email = document.createElement('input');
    email.type = 'email';
    email.placeholder = 'e-mail (optioneel / optional)';
    email.maxLength = 254;
    const b = document.createElement('button');
    b.className = 'option';
    b.textContent = 'Neem later contact op / get back to me later';
    b.addEventListener('click', function () {
      send({type: 'callback', email: email.value.trim()});
    });
    options.append(email, b);
  }

  function onFrame(f) {
    switch (f.type) {
      case 'session':
        started = true;
        sessionStorage.setItem(TOKEN_KEY, f.token);
        document.getElementById('session').textContent = f.resumed ? 'Gesprek hervat / conversation resumed' : '';
        document.getElementById('start').classList.add('hidden');
        if (f.resumed) {
          log.replaceChildren();
          (f.transcript || []).forEach(function (l) { line(l.from, l.text); });
          if (f.phase === 'connected') {
            status.textContent = 'Een medewerker is bij u / an agent has joined';
          }
        }
        break;
      case 'announcement':
        line('notice', f.text); // the operator's service announcement, before the bot's first step
        break;
      case 'bot':
        line('bot', f.text);
        showOptions(f.options);
        break;
      case 'queued':
        status.textContent = 'Positie in de wachtrij / position: ' + f.position +
          ' · verwachte wachttijd / estimated wait: ' + Math.round(f.estimatedWaitSeconds) + ' s';
        status.dataset.position = f.position;
        break;
      case 'callback-offer':
        // An escalation step: a reply later instead of waiting on (an e-mail address is optional).
        line('bot', f.text);
        showCallbackOffer();
        break;
      case 'callback-scheduled':
        options.replaceChildren();
        line('bot', f.text);
        break;
      case 'agent-joined':
        status.textContent = 'Een medewerker is bij u / an agent has joined';
        status.dataset.position = '';
        line('system', 'Een medewerker is bij u / an agent has joined');
        break;
      case 'transferring':
        // warm: the agent stays in the chat until a colleague takes over
        line('system', f.warm ? 'U wordt doorverbonden; de medewerker blijft bij u tot een collega het overneemt'
          + ' / you are being transferred; your agent stays with you until a colleague takes over'
          : 'U wordt doorverbonden / you are being transferred');
        break;
      case 'agent-left':
        // After an introduction one of the two agents leaves and the other stays; otherwise the chat waits on.
        line('system', f.introduced
          ? 'De eerste medewerker heeft het gesprek verlaten; de collega helpt u verder / your first agent left; the colleague helps you on'
          : f.returned
            ? 'De collega heeft het gesprek verlaten; uw medewerker helpt u verder / the colleague left; your agent helps you on'
            : 'U blijft op uw plek wachten op een collega / you keep your place, waiting for a colleague');
        break;
      case 'message':
        line(f.from, f.text);
        break;
      case 'ended':
        status.textContent = 'Gesprek beëindigd / conversation ended';
        options.replaceChildren();
        sessionStorage.removeItem(TOKEN_KEY);
        line('system', 'Einde gesprek / end of conversation (' + f.outcome + ')');
        break;
      case 'error':
        if (f.code === 'resume-refused') {
          sessionStorage.removeItem(TOKEN_KEY);
          started = false;
          document.getElementById('start').classList.remove('hidden');
        }
        errorBox.textContent = f.message;
        break;
      case 'refused':
        errorBox.textContent = 'Niet gelukt / refused: ' + f.reason;
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    ws = new WebSocket(scheme + location.host + '/ws/citizen');
    ws.addEventListener('open', function () {
      retryMs = 500;
      errorBox.textContent = '';
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (token) {
        send({type: 'resume', token: token});
      }
    });
    ws.addEventListener('message', function (e) {
      try { onFrame(JSON.parse(e.data)); } catch (err) { errorBox.textContent = String(err); }
    });
    ws.addEventListener('close', function () {
      if (sessionStorage.getItem(TOKEN_KEY)) {
        errorBox.textContent = 'Verbinding verbroken, opnieuw verbinden… / reconnecting…';
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    });
  }

  document.getElementById('start').addEventListener('click', function () {
    if (!started) {
      log.replaceChildren();
      send({type: 'start', language: (navigator.language || 'nl').slice(0, 2)});
    }
  });
  function sendText() {
    const body = text.value.trim();
    if (body) {
      line('citizen', body);
      send({type: 'message', text: body});
      text.value = '';
    }
  }
  document.getElementById('send').addEventListener('click', sendText);
  text.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sendText(); } });
  document.getElementById('leave').addEventListener('click', function () { send({type: 'leave'}); });
  setInterval(function () { send({type: 'ping'}); }, 20000);
  connect();
}());
