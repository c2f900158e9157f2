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

  // Who wrote a line, for screen readers (the page tells them apart by colour and place only).
  const SPEAKER = {bot: 'Assistent / assistant: ', agent: 'Medewerker / agent: ', citizen: 'U / you: ',
    colleague: 'Collega / colleague: ', notice: 'Mededeling / notice: ', system: ''};
  // What an ended conversation's outcome means to a citizen.
  const OUTCOME = {
    SELF_SERVED: 'Fijn dat we u konden helpen / glad we could help',
    ANSWERED: 'Bedankt voor uw gesprek / thank you for your conversation',
    ABANDONED: 'U heeft het gesprek verlaten / you left the conversation',
    ABANDONED_IN_SELF_SERVICE: 'U heeft het gesprek verlaten / you left the conversation',
    OUTSIDE_HOURS: 'We zijn nu gesloten / we are closed now',
    CLOSED: 'De chat is nu gesloten / the chat is closed now',
    DEFLECTED: 'Het is nu te druk / it is too busy now'
  };

  function line(from, body) {
    const div = document.createElement('div');
    div.className = 'line ' + from;
    const who = SPEAKER[from];
    if (who) {
      const label = document.createElement('span');
      label.className = 'sr-only';
      label.textContent = who;
      div.appendChild(label);
    }
    div.appendChild(document.createTextNode(body));
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  /** Sends a frame; false (and says so) while the connection is down, so nothing typed is lost silently. */
  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** The chat is over: a new one can start; typing waits for it. */
  function ended() {
    started = false;
    options.replaceChildren();
    const start = document.getElementById('start');
    start.textContent = 'Nieuwe chat / new chat';
    start.classList.remove('hidden');
    text.disabled = true;
    document.getElementById('send').disabled = true;
  }

  /** An estimated wait as a citizen reads it: whole minutes, never a false precision of seconds. */
  function waitInWords(minutes) {
    if (minutes < 1) {
      return 'minder dan een minuut / less than a minute';
    }
    return minutes === 1 ? 'ongeveer 1 minuut / about 1 minute'
      : 'ongeveer ' + minutes + ' minuten / about ' + minutes + ' minutes';
  }

  function showOptions(list) {
    options.replaceChildren();
    (list || []).forEach(function (o) {
      const b = document.createElement('button');
      b.className = 'option';
      b.dataset.input = o.input;
      b.textContent = o.label; // the phone's key ("press 2") means nothing on a button
      b.addEventListener('click', function () {
        if (send({type: 'choose', input: o.input, label: o.label})) {
          errorBox.textContent = '';
          line('citizen', o.label);
          options.replaceChildren();
        }
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
        errorBox.textContent = '';
        text.disabled = false;
        document.getElementById('send').disabled = false;
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
          ' · verwachte wachttijd / estimated wait: ' + waitInWords(f.estimatedWaitMinutes);
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
        sessionStorage.removeItem(TOKEN_KEY);
        line('system', 'Einde gesprek / end of conversation' + (OUTCOME[f.outcome] ? ': ' + OUTCOME[f.outcome] : ''));
        ended();
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
    if (!body) {
      return;
    }
    if (!send({type: 'message', text: body})) {
      // Kept in the field, not shown as sent: the connection comes back by itself.
      errorBox.textContent = 'Niet verstuurd: geen verbinding. Probeer het zo opnieuw / not sent: no connection, try again in a moment';
      return;
    }
    errorBox.textContent = '';
    line('citizen', body);
    text.value = '';
  }
  document.getElementById('send').addEventListener('click', sendText);
  text.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sendText(); } });
  document.getElementById('leave').addEventListener('click', function () { send({type: 'leave'}); });
  setInterval(function () { send({type: 'ping'}); }, 20000);
  connect();
}());
