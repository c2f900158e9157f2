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
  const start = document.getElementById('start');
  const sendButton = document.getElementById('send');
  const leave = document.getElementById('leave');
  let ws = null;
  let retryMs = 500;
  let started = false;
  // The conversation's language ('nl', 'en') once the server said it: the page's lang, its own
  // words and the bot's lines follow it. Until then (null) the page speaks both, Dutch first, each
  // part marked with its language, so a screen reader pronounces it right (WCAG 3.1.1, 3.1.2).
  let language = null;

  /** Dutch or English as the conversation goes; both, each part marked, before it is known. */
  function words(nl, en) {
    if (known()) {
      return document.createTextNode(language === 'nl' ? nl : en);
    }
    const both = document.createDocumentFragment();
    both.append(part('nl', nl), ' / ', part('en', en));
    return both;
  }

  function known() {
    return language === 'nl' || language === 'en';
  }

  function part(lang, body) {
    const span = document.createElement('span');
    span.lang = lang;
    span.textContent = body;
    return span;
  }

  /** The same as plain text, where no markup can go (a title, a placeholder, an attribute). */
  function plain(nl, en) {
    return language === 'nl' ? nl : language === 'en' ? en : nl + ' / ' + en;
  }

  function say(node, nl, en) {
    node.replaceChildren(words(nl, en));
  }

  /** The page follows the conversation's language: its lang, title, buttons and field. */
  function setLanguage(code) {
    if (!code || code === language) {
      return;
    }
    language = code;
    document.documentElement.lang = code;
    document.title = plain('Chat met de helpdesk', 'Chat with the helpdesk') + ' · DigiD & MijnOverheid';
    say(sendButton, 'Verstuur', 'Send');
    say(leave, 'Stoppen', 'Leave');
    say(document.querySelector('label[for=text]'), 'Uw bericht', 'Your message');
    text.placeholder = plain('Typ uw bericht', 'Type your message');
    log.setAttribute('aria-label', plain('Gesprek', 'Conversation'));
    options.setAttribute('aria-label', plain('Keuzes', 'Choices'));
    if (!started) {
      sayStart();
    }
  }

  function sayStart() {
    if (log.childElementCount) {
      say(start, 'Nieuwe chat', 'New chat');
    } else {
      say(start, 'Start chat', 'Start chat');
    }
  }

  // Who wrote a line, for screen readers (the page tells them apart by colour and place only).
  const SPEAKER = {bot: ['Assistent', 'Assistant'], agent: ['Medewerker', 'Agent'], citizen: ['U', 'You'],
    colleague: ['Collega', 'Colleague'], notice: ['Mededeling', 'Notice']};
  // What an ended conversation's outcome means to a citizen.
  const OUTCOME = {
    SELF_SERVED: ['Fijn dat we u konden helpen', 'glad we could help'],
    ANSWERED: ['Bedankt voor uw gesprek', 'thank you for your conversation'],
    ABANDONED: ['U heeft het gesprek verlaten', 'you left the conversation'],
    ABANDONED_IN_SELF_SERVICE: ['U heeft het gesprek verlaten', 'you left the conversation'],
    OUTSIDE_HOURS: ['We zijn nu gesloten', 'we are closed now'],
    CLOSED: ['De chat is nu gesloten', 'the chat is closed now'],
    DEFLECTED: ['Het is nu te druk', 'it is too busy now']
  };

  /**
   * A line in the conversation (the log announces it to screen readers, politely, by itself):
   * {@code body} is text, or a node of words(); {@code lang} the language it is written in, when
   * the server said (the bot's), else the page's.
   */
  function line(from, body, lang) {
    const div = document.createElement('div');
    div.className = 'line ' + from;
    const who = SPEAKER[from];
    // The page's own words keep the language they were written in when the page's changes later.
    if (who) {
      const label = document.createElement('span');
      label.className = 'sr-only';
      label.append(words(who[0] + ': ', who[1] + ': '));
      if (known()) {
        label.lang = language;
      }
      div.appendChild(label);
    }
    const content = document.createElement('span');
    if (lang) {
      content.lang = lang;
    } else if (typeof body !== 'string' && known()) {
      content.lang = language;
    }
    content.append(body);
    div.appendChild(content);
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  /**
   * Whether focus is where the bot's steps put it, or lost (on the body, or on a control that is
   * going away): then the next step moves it to what the citizen does next; a citizen typing keeps it.
   */
  function focusFollows() {
    const a = document.activeElement;
    return !a || a === document.body || a === start || a === leave || options.contains(a);
  }

  /** Focus on the next thing to do: the bot's first choice, else the message field, else a new chat. */
  function focusNext() {
    const first = options.querySelector('button, input');
    if (first) {
      first.focus();
    } else if (!text.disabled) {
      text.focus();
    } else if (!start.classList.contains('hidden')) {
      start.focus();
    } else {
      options.focus(); // held in place until the next step comes
    }
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
    const follow = focusFollows() || document.activeElement === text || document.activeElement === sendButton;
    started = false;
    options.replaceChildren();
    say(start, 'Nieuwe chat', 'New chat');
    start.classList.remove('hidden');
    text.disabled = true;
    sendButton.disabled = true;
    if (follow) {
      start.focus();
    }
  }

  /** An estimated wait as a citizen reads it: whole minutes, never a false precision of seconds. */
  function waitInWords(minutes) {
    if (minutes < 1) {
      return ['minder dan een minuut', 'less than a minute'];
    }
    return minutes === 1 ? ['ongeveer 1 minuut', 'about 1 minute']
      : ['ongeveer ' + minutes + ' minuten', 'about ' + minutes + ' minutes'];
  }

  function showOptions(list) {
    const follow = focusFollows();
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
          // The buttons go; focus waits on their group (not lost to the page) for the bot's next step.
          options.focus();
          options.replaceChildren();
        }
      });
      options.appendChild(b);
    });
    if (follow) {
      focusNext();
    }
  }

  function showCallbackOffer() {
    const follow = focusFollows();
    options.replaceChildren();
    const email = document.createElement('input');
    email.type = 'email';
    email.id = 'callback-email';
    email.autocomplete = 'email';
    email.maxLength = 254;
    const label = document.createElement('label');
    label.htmlFor = email.id;
    label.append(words('E-mailadres (optioneel)', 'E-mail address (optional)'));
    const b = document.createElement('button');
    b.className = 'option';
    b.append(words('Neem later contact op', 'Get back to me later'));
    b.addEventListener('click', function () {
      send({type: 'callback', email: email.value.trim()});
    });
    options.append(label, email, b);
    if (follow) {
      focusNext();
    }
  }

  /** Refills the log after a resume without reading the whole transcript out again (only new lines are). */
  function quietly(fill) {
    log.setAttribute('aria-live', 'off');
    fill();
    setTimeout(function () { log.setAttribute('aria-live', 'polite'); }, 500);
  }

  /**
   * The server's error: in the conversation's language, marked; before there is one, both, each
   * part marked as the page's own words are.
   */
  function serverError(f) {
    if (f.texts) {
      errorBox.replaceChildren(part('nl', f.texts.nl), ' / ', part('en', f.texts.en));
    } else if (f.language) {
      errorBox.replaceChildren(part(f.language, f.message));
    } else {
      errorBox.textContent = f.message;
    }
  }

  function onFrame(f) {
    switch (f.type) {
      case 'session':
        setLanguage(f.language);
        started = true;
        errorBox.textContent = '';
        text.disabled = false;
        sendButton.disabled = false;
        sessionStorage.setItem(TOKEN_KEY, f.token);
        if (f.resumed) {
          say(document.getElementById('session'), 'Gesprek hervat', 'Conversation resumed');
        } else {
          document.getElementById('session').replaceChildren();
        }
        if (document.activeElement === start) {
          options.focus(); // the button goes: focus waits for the bot's first step
        }
        start.classList.add('hidden');
        if (f.resumed) {
          quietly(function () {
            log.replaceChildren();
            (f.transcript || []).forEach(function (l) { line(l.from, l.text); });
          });
          if (f.phase === 'connected') {
            say(status, 'Een medewerker is bij u', 'An agent has joined');
          }
          if (focusFollows()) {
            focusNext();
          }
        }
        break;
      case 'announcement':
        line('notice', f.text, f.language); // the operator's service announcement, before the bot's first step
        break;
      case 'bot':
        setLanguage(f.language); // a language menu's choice: from now on the page speaks it
        line('bot', f.text, f.language);
        showOptions(f.options);
        break;
      case 'queued': {
        const wait = waitInWords(f.estimatedWaitMinutes);
        say(status, 'Positie in de wachtrij: ' + f.position + ' · verwachte wachttijd: ' + wait[0],
          'Position in the queue: ' + f.position + ' · estimated wait: ' + wait[1]);
        status.dataset.position = f.position;
        break;
      }
      case 'callback-offer':
        // An escalation step: a reply later instead of waiting on (an e-mail address is optional).
        line('bot', f.text, f.language);
        showCallbackOffer();
        break;
      case 'callback-scheduled': {
        const follow = focusFollows();
        options.replaceChildren();
        line('bot', f.text, f.language);
        if (follow) {
          focusNext();
        }
        break;
      }
      case 'agent-joined':
        say(status, 'Een medewerker is bij u', 'An agent has joined');
        status.dataset.position = '';
        line('system', words('Een medewerker is bij u', 'An agent has joined'));
        break;
      case 'transferring':
        // warm: the agent stays in the chat until a colleague takes over
        line('system', f.warm
          ? words('U wordt doorverbonden; de medewerker blijft bij u tot een collega het overneemt',
            'You are being transferred; your agent stays with you until a colleague takes over')
          : words('U wordt doorverbonden', 'You are being transferred'));
        break;
      case 'agent-left':
        // After an introduction one of the two agents leaves and the other stays; otherwise the chat waits on.
        line('system', f.introduced
          ? words('De eerste medewerker heeft het gesprek verlaten; de collega helpt u verder', 'Your first agent left; the colleague helps you on')
          : f.returned
            ? words('De collega heeft het gesprek verlaten; uw medewerker helpt u verder', 'The colleague left; your agent helps you on')
            : words('U blijft op uw plek wachten op een collega', 'You keep your place, waiting for a colleague'));
        break;
      case 'message':
        line(f.from, f.text);
        break;
      case 'ended': {
        say(status, 'Gesprek beëindigd', 'Conversation ended');
        sessionStorage.removeItem(TOKEN_KEY);
        const outcome = OUTCOME[f.outcome];
        line('system', words('Einde gesprek' + (outcome ? ': ' + outcome[0] : ''), 'End of conversation' + (outcome ? ': ' + outcome[1] : '')));
        ended();
        break;
      }
      case 'error':
        if (f.code === 'resume-refused') {
          sessionStorage.removeItem(TOKEN_KEY);
          started = false;
          start.classList.remove('hidden');
        }
        serverError(f);
        break;
      case 'refused':
        say(errorBox, 'Niet gelukt: ' + f.reason, 'Refused: ' + f.reason);
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
        say(errorBox, 'Verbinding verbroken, opnieuw verbinden…', 'Connection lost, reconnecting…');
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    });
  }

  start.addEventListener('click', function () {
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
      say(errorBox, 'Niet verstuurd: geen verbinding. Probeer het zo opnieuw', 'Not sent: no connection, try again in a moment');
      return;
    }
    errorBox.textContent = '';
    line('citizen', body);
    text.value = '';
  }
  sendButton.addEventListener('click', sendText);
  text.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sendText(); } });
  leave.addEventListener('click', function () { send({type: 'leave'}); });
  setInterval(function () { send({type: 'ping'}); }, 20000);
  connect();
}());
