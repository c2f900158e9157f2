// Agent desktop: one WebSocket to /ws/agent. Offers of every channel show the self-service path,
// topic, transcript and transfer notes; several contacts are held at once within capacity.
(function () {
  'use strict';
  const errorBox = document.getElementById('error');
  let ws = null;
  let welcome = null;
  // The agent's session token, kept for this browser tab only (sessionStorage: gone when the tab
  // closes, never shared with other tabs, never in the URL): a reload or a lost connection logs in
  // again with it. The secret is sent once, with the login, and kept nowhere: the field is cleared
  // at once and no variable holds it. The server ends a session at the agent's logout, whoever
  // asked for it (a supervisor, the phone), after chat.agent-idle-minutes without use, and
  // chat.agent-session-hours after the login; the page then shows the login form with the reason.
  const KEPT = 'loket.desktop.session';
  // Why the page started again empty: the session ended (or went elsewhere) while the desk showed.
  const ENDED = 'loket.desktop.ended';
  let session = null;
  // Whether this page's socket was open before: a later open is a reconnect, the page's doing.
  let opened = false;
  // The agent's commands in flight, by what they concern ('presence' or a contact id): the buttons
  // that sent them stay disabled until the hub answers, so a double click sends one command.
  const inFlight = new Map();
  // The button the keyboard pressed for a command in flight: disabling it drops the focus to the
  // page, so it gets it back with the answer (when it is still there).
  let pressed = null;

  /** @return whether the frame went out (false: the connection is down) */
  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Sends an agent's command once: {@code buttons} stay disabled until the hub's answer about {@code key}. */
  function sendOnce(key, frame, buttons) {
    if (!send(frame)) {
      errorBox.textContent = 'Not connected to Loket (reconnecting): nothing was sent, try again in a moment.';
      return;
    }
    if (buttons.indexOf(document.activeElement) >= 0) {
      pressed = document.activeElement;
    }
    buttons.forEach(function (b) { b.disabled = true; });
    inFlight.set(key, (inFlight.get(key) || []).concat(buttons));
  }

  /** Where an error about {@code contact} shows: on its card, else at the top of the page. */
  function errorBoxFor(contact) {
    const card = contact && (document.getElementById('conv-' + contact) || document.getElementById('offer-' + contact));
    return card ? card.querySelector('.card-error') : errorBox;
  }

  /**
   * The hub answered about {@code key} (null: about anything in flight, an error that names
   * nothing): its buttons work again, and a success clears the errors it showed.
   */
  function settle(key, ok) {
    Array.from(inFlight.keys()).filter(function (k) { return key === null || k === key; }).forEach(function (k) {
      inFlight.get(k).forEach(function (b) { b.disabled = false; });
      inFlight.delete(k);
      if (pressed && !pressed.disabled && pressed.isConnected && pressed.offsetParent !== null
          && (!document.activeElement || document.activeElement === document.body)) {
        pressed.focus();
        pressed = null;
      }
      if (ok) {
        errorBox.textContent = '';
        errorBoxFor(k).textContent = '';
      }
    });
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /** What a contact is, in one line: its card's heading, and what the offer's announcement says. */
  function title(f) {
    return f.channel + ' · ' + f.queue + (f.topic ? ' · ' + f.topic : '');
  }

  function summary(card, f) {
    const heading = el('h3', '', title(f));
    heading.id = card.id + '-title';
    card.appendChild(heading);
    // Each card a region named by its heading: a screen reader lists them and tells the contacts apart.
    card.setAttribute('role', 'region');
    card.setAttribute('aria-labelledby', heading.id);
    card.appendChild(el('div', 'meta path', 'Path: ' + (f.path || []).join(' → ')));
    if (f.subject !== undefined) {
      card.appendChild(el('div', 'meta', 'From: ' + f.from + ' · Subject: ' + f.subject));
    }
    (f.notes || []).forEach(function (n) { card.appendChild(el('div', 'note', 'Note: ' + n)); });
    const presence = el('div', 'meta citizen-offline hidden', 'Citizen offline: their page is closed or lost;'
      + ' they may come back and see what you write');
    presence.setAttribute('role', 'status');
    card.appendChild(presence);
    citizenPresence(card, f.citizenOnline !== false);
    const history = earlier(f);
    if (history) { card.appendChild(history); }
  }

  /** The contact's cards on the page: its offer and its conversation (either, both or none). */
  function cardsOf(contact) {
    return ['offer-', 'conv-'].map(function (p) { return document.getElementById(p + contact); }).filter(Boolean);
  }

  /** A web chat's card says while the citizen's page is not connected (undefined: not a web chat). */
  function citizenPresence(card, online) {
    const badge = card.querySelector('.citizen-offline');
    if (badge) { badge.classList.toggle('hidden', online); }
  }

  const OUTCOMES = {
    answered: 'answered', abandoned: 'hung up waiting', abandoned_in_self_service: 'left the menu',
    self_served: 'helped by self-service', closed: 'closed by the queue', outside_hours: 'outside opening hours',
    deflected: 'turned away (queue full)', open: 'still open'
  };

  // The citizen's earlier contacts (callers and senders the journal knows by pseudonym), newest first; null: none.
  function earlier(f) {
    if (!f.earlier || !f.earlier.length) { return null; }
    const box = el('div', 'earlier');
    box.appendChild(el('div', 'meta', 'Earlier contacts of this citizen (last ' + f.earlierDays + ' days): ' + f.earlier.length));
    const list = el('ul', 'earlier-list');
    f.earlier.forEach(function (e) {
      let text = e.arrivedAt.substring(0, 16).replace('T', ' ') + ' · ' + e.channel + (e.queue ? ' · ' + e.queue : '')
        + ' · ' + (OUTCOMES[e.outcome] || e.outcome);
      if (e.outcome === 'abandoned' && e.waitMs >= 0) { text += ' after ' + Math.round(e.waitMs / 1000) + ' s'; }
      if (e.agent) { text += ' · ' + e.agent; }
      if (e.wrapUpCode) { text += ' · wrap-up: ' + e.wrapUpCode; }
      if (e.transfers) { text += ' · transferred ' + e.transfers + '×'; }
      if (e.callback) { text += ' · callback'; }
      list.appendChild(el('li', 'earlier-contact ' + e.outcome, text));
    });
    box.appendChild(list);
    return box;
  }

  // Who wrote a line, for screen readers (the page tells them apart by colour and place only).
  const SPEAKER = {citizen: 'Citizen: ', agent: 'Agent: ', bot: 'Bot: ', notice: 'Announcement: '};

  /** A transcript's line: its speaker said to screen readers, then the text. */
  function line(from, text) {
    const div = el('div', 'line ' + from);
    if (SPEAKER[from]) {
      div.appendChild(el('span', 'sr-only', SPEAKER[from]));
    }
    div.appendChild(document.createTextNode(text));
    return div;
  }

  function transcript(card, f) {
    // A log: scrollable by keyboard (it takes focus), and a new line is read out politely.
    const log = el('div', 'log transcript');
    log.style.height = '10rem';
    log.setAttribute('role', 'log');
    log.setAttribute('aria-label', 'Transcript');
    log.tabIndex = 0;
    (f.transcript || []).forEach(function (l) {
      // An introduction has two agents: a colleague's line shows as the live ones do ("name: text").
      const colleague = l.agent && welcome && l.agent !== welcome.agent;
      log.appendChild(colleague ? line('colleague', l.agent + ': ' + l.text) : line(l.from, l.text));
    });
    card.appendChild(log);
    return log;
  }

  /** Adds a line to a card's transcript and keeps the newest line in sight. */
  function addLine(card, div) {
    const log = card.querySelector('.transcript');
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  /** Once a card is on the page: its transcript shows the newest lines (the citizen's question, not the bot's menu). */
  function showNewest(card) {
    card.querySelectorAll('.transcript').forEach(function (log) { log.scrollTop = log.scrollHeight; });
  }

  /**
   * Whether focus is lost (on the body) or on what is about to go or change: the contact's own
   * cards, the offers' heading where it waits. An agent typing elsewhere keeps it.
   */
  function focusFollows(contact) {
    const a = document.activeElement;
    return !a || a === document.body || a.id === 'offers-heading'
      || cardsOf(contact).some(function (card) { return card.contains(a); });
  }

  /** Focus on the first of {@code controls} that shows (a card's buttons, fields). */
  function focusFirst(controls) {
    const shown = controls.filter(function (c) { return c && c.offsetParent !== null; });
    if (shown.length) {
      shown[0].focus();
    }
  }

  // A card for a contact: channel, queue, topic, path, notes and transcript.
  function newCard(f, kind, prefix) {
    removeCard(f.contact);
    const card = el('div', 'card ' + kind);
    card.id = prefix + f.contact;
    card.dataset.contact = f.contact;
    summary(card, f);
    transcript(card, f);
    return card;
  }

  /** A card's own error line, under its buttons: where the agent looks after clicking one. */
  function cardError() {
    const box = el('div', 'error card-error');
    box.setAttribute('role', 'alert');
    return box;
  }

  /** Says an offer at once to a screen reader, whatever the agent is doing. */
  function announceOffer(f) {
    const alert = document.getElementById('offer-alert');
    alert.textContent = '';
    alert.textContent = 'New offer: ' + title(f) + (f.channel === 'voice' ? '. Your phone is ringing.' : '. Accept or decline.');
  }

  function showOffer(f) {
    // An agent at the presence buttons (just made ready) is waiting for this: on to its Accept.
    const follow = focusFollows(f.contact) || document.getElementById('presence').contains(document.activeElement);
    announceOffer(f);
    const card = newCard(f, 'offer', 'offer-');
    if (f.channel === 'voice') {
      // a call: the phone rings, and its answer is the acceptance
      card.querySelector('.transcript').classList.add('hidden');
      card.appendChild(el('div', 'meta ringing', f.introduce
        ? 'Your phone is ringing: answer it there; your colleague stays on to introduce the caller'
        : 'Your phone is ringing: answer it there'));
      card.appendChild(cardError());
      document.getElementById('offers').appendChild(card);
      showNewest(card);
      return;
    }
    const row = el('div', 'row');
    const accept = el('button', 'primary accept', 'Accept');
    const decline = el('button', 'decline', 'Decline');
    // Once: the conversation card (or "retracted" after a decline) is the answer; the card stays until then.
    accept.addEventListener('click', function () { sendOnce(f.contact, {type: 'accept', contact: f.contact}, [accept, decline]); });
    decline.addEventListener('click', function () { sendOnce(f.contact, {type: 'decline', contact: f.contact}, [accept, decline]); });
    row.append(accept, decline);
    card.append(row, cardError());
    document.getElementById('offers').appendChild(card);
    showNewest(card);
    if (follow) {
      accept.focus();
    }
  }

  function showConversation(f) {
    const follow = focusFollows(f.contact);
    const card = newCard(f, 'conversation', 'conv-');
    const talk = el('div', 'row talk');
    const input = el('input', 'grow reply');
    input.type = 'text';
    input.maxLength = 2000;
    input.placeholder = f.channel === 'chat' ? 'message' : 'reply';
    input.setAttribute('aria-label', f.channel === 'chat' ? 'Message to the citizen' : 'Reply to the citizen');
    const sendButton = el('button', 'primary send', 'Send');
    function sendText() {
      const body = input.value.trim();
      if (body) {
        send({type: 'message', contact: f.contact, text: body});
        addLine(card, line('agent', body));
        input.value = '';
      }
    }
    sendButton.addEventListener('click', sendText);
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sendText(); } });
    // Ending a live chat by a mis-click loses the citizen: End asks first, in the card.
    const end = el('button', 'end', 'End');
    const confirmEnd = el('span', 'end-confirm hidden');
    confirmEnd.setAttribute('role', 'group');
    confirmEnd.setAttribute('aria-label', 'Confirm the end');
    const endYes = el('button', 'end-yes', 'Yes, end it');
    const endNo = el('button', 'end-no', 'No, go on');
    confirmEnd.append(el('span', 'end-question', f.channel === 'chat'
      ? 'End this chat? The citizen cannot write in it any more.' : 'End this ' + f.channel + '?'), endYes, endNo);
    function confirming(ask) {
      end.classList.toggle('hidden', ask);
      confirmEnd.classList.toggle('hidden', !ask);
      (ask ? endNo : end).focus();
    }
    end.addEventListener('click', function () { confirming(true); });
    endNo.addEventListener('click', function () { confirming(false); });
    confirmEnd.addEventListener('keydown', function (e) { if (e.key === 'Escape') { confirming(false); } });
    endYes.addEventListener('click', function () { sendOnce(f.contact, {type: 'end', contact: f.contact}, [endYes, endNo]); });
    talk.append(input, sendButton, end, confirmEnd);
    const transfer = el('div', 'row transfer');
    const queue = el('select', 'transfer-queue');
    queue.setAttribute('aria-label', 'Transfer to queue');
    // A contact is transferred within its channel: a call into a voice queue, a chat into a chat queue.
    (welcome ? welcome.queues : []).filter(function (q) {
      return !welcome.queueChannels || welcome.queueChannels[q] === f.channel;
    }).forEach(function (q) { queue.appendChild(new Option(q, q)); });
    const toAgent = el('input', 'transfer-agent');
    toAgent.type = 'text';
    toAgent.placeholder = 'agent (optional)';
    toAgent.setAttribute('aria-label', 'Transfer to agent (optional)');
    const note = el('input', 'grow transfer-note');
    note.type = 'text';
    note.placeholder = 'note for the next agent';
    note.setAttribute('aria-label', 'Note for the next agent');
    // Warm: the agent stays in the chat, or on the line, until a colleague takes over (work items go cold).
    const warmable = f.channel === 'chat' || f.channel === 'voice';
    const warmLabel = el('label', 'transfer-warm-label', 'stay until taken');
    const warm = el('input', 'transfer-warm');
    warm.type = 'checkbox';
    warmLabel.prepend(warm);
    if (!warmable) { warmLabel.classList.add('hidden'); }
    // Introduce (calls and chats): warm, and the three talk once the colleague takes it, until this agent leaves.
    const introduceLabel = el('label', 'transfer-introduce-label', 'introduce (three-way)');
    const introduce = el('input', 'transfer-introduce');
    introduce.type = 'checkbox';
    introduceLabel.prepend(introduce);
    if (!warmable) { introduceLabel.classList.add('hidden'); }
    introduce.addEventListener('change', function () { if (introduce.checked) { warm.checked = true; } });
    const transferButton = el('button', 'transfer-button', 'Transfer');
    transferButton.addEventListener('click', function () {
      const introducing = warmable && introduce.checked;
      sendOnce(f.contact, {type: 'transfer', contact: f.contact, queue: queue.value, agent: toAgent.value, note: note.value,
        warm: introducing || (warmable && warm.checked), introduce: introducing}, [transferButton]);
    });
    transfer.append(queue, toAgent, note, warmLabel, introduceLabel, transferButton);
    const handover = el('div', 'row handover hidden');
    const leave = el('button', 'leave', 'Leave');
    leave.addEventListener('click', function () { sendOnce(f.contact, {type: 'leave', contact: f.contact}, [leave]); });
    handover.append(el('span', 'grow handover-status', ''), leave);
    const wrap = el('div', 'row wrap-up hidden');
    const code = el('select', 'wrap-up-code');
    code.id = 'wrap-up-code-' + f.contact;
    const codes = welcome ? welcome.wrapUpCodes : [];
    if (codes.length !== 1) {
      // No code chosen for the agent: reports count answered contacts by it, so it is chosen deliberately.
      const none = new Option('choose a code', '', true, true);
      none.disabled = true;
      code.appendChild(none);
    }
    codes.forEach(function (c) { code.appendChild(new Option(c, c)); });
    const done = el('button', 'primary wrap-up-done', 'Wrap-up done');
    done.disabled = !code.value;
    code.addEventListener('change', function () { done.disabled = !code.value || inFlight.has(f.contact); });
    done.addEventListener('click', function () { sendOnce(f.contact, {type: 'wrap-up', contact: f.contact, code: code.value}, [done]); });
    const codeLabel = el('label', '', 'Wrap-up:');
    codeLabel.htmlFor = code.id;
    wrap.append(codeLabel, code, done);
    card.append(talk, transfer, handover, wrap, cardError());
    if (f.introducedBy) {
      // Taken from an introduction: the colleague is still on the call; leaving hands the caller back to them.
      handover.querySelector('.handover-status').textContent = f.channel === 'voice'
        ? f.introducedBy + ' is introducing the caller and leaves when done; Leave (or hang up) hands the caller back to ' + f.introducedBy
        : f.introducedBy + ' is introducing the citizen and leaves when done (you both read and write); Leave hands the chat back to '
          + f.introducedBy;
      handover.classList.remove('hidden');
    } else if (f.returnedBy) {
      card.insertBefore(el('div', 'meta returned', f.channel === 'voice'
        ? f.returnedBy + ' left the call: the caller is with you again'
        : f.returnedBy + ' left the chat: the citizen is with you again'), talk);
    }
    if (f.channel === 'voice') {
      // A call is talked on the phone (and ended there); the desktop shows who it is, transfers it
      // (cold: Loket moves the caller to the queue's hold; warm: the caller stays on the line until
      // the next agent answers; the note goes with it) and takes the wrap-up code.
      talk.classList.add('hidden');
      const log = card.querySelector('.transcript');
      log.classList.add('hidden'); // nothing is typed in a call
      card.insertBefore(el('div', 'meta on-phone', 'On the phone'), log);
    }
    document.getElementById('conversations').appendChild(card);
    showNewest(card);
    if (follow) {
      // Accepted: on to the reply (a call: the transfer, as it is talked on the phone).
      focusFirst([input, queue]);
    }
  }

  /** Takes a contact's cards off the page; focus that was in them waits on the offers' heading, not lost. */
  function removeCard(contact) {
    const follow = focusFollows(contact) && document.activeElement !== document.body;
    ['offer-', 'conv-'].forEach(function (p) {
      const c = document.getElementById(p + contact);
      if (c) { c.remove(); }
    });
    if (follow && (!document.activeElement || document.activeElement === document.body)) {
      document.getElementById('offers-heading').focus();
    }
  }

  function onFrame(f) {
    switch (f.type) {
      case 'welcome':
        welcome = f;
        document.getElementById('login-form').classList.add('hidden');
        document.getElementById('desk').classList.remove('hidden');
        document.getElementById('who').textContent = '· ' + f.agent;
        if (!document.activeElement || document.activeElement === document.body || document.getElementById('login-form').contains(document.activeElement)) {
          document.getElementById('offers-heading').focus(); // the form went: focus waits where offers come
        }
        const reasons = document.getElementById('pause-reason');
        reasons.replaceChildren();
        f.pauseReasons.forEach(function (r) { reasons.appendChild(new Option(r, r)); });
        errorBox.textContent = '';
        break;
      case 'announcement': {
        // The operator's service announcement: what every caller and chat heard or read first.
        const banner = document.getElementById('announcement');
        banner.classList.toggle('hidden', !f.prompt);
        banner.textContent = f.prompt ? 'Service announcement to every caller and chat: ' + f.text : '';
        break;
      }
      case 'state':
        settle('presence', true);
        document.getElementById('state').textContent = f.state;
        document.getElementById('reason').textContent = (f.reason && !f.logoutPending ? '(' + f.reason + ')' : '')
          + (f.activity ? ' · ' + f.activity.replace('_', '-') : '')
          + (f.logoutPending ? ' · logging out when your contacts are done' : '')
          + (f.voiceOff ? ' · your phone does not answer, so Loket offers you no calls (other work goes on); calls come again when it is back' : '')
          + (f.reason === 'phone-in-use' ? ' · your phone is in a call Loket did not make; you are ready again when it ends' : '');
        break;
      case 'offer':
        settle(f.contact, true);
        showOffer(f);
        break;
      case 'conversation':
        settle(f.contact, true);
        showConversation(f);
        break;
      case 'earlier': {
        // Read from the journal after a restart, for a card shown before: in place, before the transcript.
        cardsOf(f.contact).forEach(function (card) {
          const box = earlier(f);
          if (!box) { return; }
          const old = card.querySelector('.earlier');
          if (old) { old.replaceWith(box); } else { card.insertBefore(box, card.querySelector('.transcript')); }
        });
        break;
      }
      case 'citizen-presence':
        cardsOf(f.contact).forEach(function (card) { citizenPresence(card, f.online); });
        break;
      case 'message': {
        const card = document.getElementById('conv-' + f.contact);
        if (card) { addLine(card, line(f.from, f.text)); }
        break;
      }
      case 'transferred': {
        settle(f.contact, true);
        const card = document.getElementById('conv-' + f.contact);
        if (!f.warm || !card) {
          removeCard(f.contact);
          break;
        }
        // A warm transfer: keep talking with the citizen until a colleague takes over (or leave).
        card.querySelector('.transfer').classList.add('hidden');
        card.querySelector('.end').classList.add('hidden');
        card.querySelector('.end-confirm').classList.add('hidden');
        card.querySelector('.handover-status').textContent = 'Transferred to ' + f.queue
          + (f.introduce
            ? (card.querySelector('.on-phone')
              ? ': stay on the line; your colleague joins the call when they answer: introduce the caller, then Leave (or hang up)'
              : ': stay in the chat; your colleague joins it when they accept: introduce the citizen, then Leave')
            : card.querySelector('.on-phone')
              ? ': stay on the line; the caller goes to your colleague when they answer'
              : ': you stay with the citizen until a colleague takes over');
        card.querySelector('.handover').classList.remove('hidden');
        break;
      }
      case 'joined': {
        // The colleague took the introduced contact: the three talk until this agent leaves.
        const card = document.getElementById('conv-' + f.contact);
        if (card) {
          card.querySelector('.handover-status').textContent = f.agent + ' joined: introduce the '
            + (card.querySelector('.on-phone') ? 'caller' : 'citizen') + ', then Leave';
        }
        break;
      }
      case 'retracted':
      case 'released':
      case 'closed':
        settle(f.contact, true);
        removeCard(f.contact);
        break;
      case 'ended': {
        settle(f.contact, true);
        const card = document.getElementById('conv-' + f.contact);
        if (card) {
          const follow = focusFollows(f.contact);
          card.querySelector('.talk').classList.add('hidden');
          card.querySelector('.transfer').classList.add('hidden');
          card.querySelector('.wrap-up').classList.remove('hidden');
          if (follow) {
            card.querySelector('.wrap-up-code').focus(); // what is left to do: the code
          }
          const onPhone = card.querySelector('.on-phone');
          if (onPhone) { onPhone.textContent = 'Call ended'; }
        }
        break;
      }
      case 'error':
      case 'refused':
        // On the contact's card when it names one, else at the top; the buttons it answers work again.
        errorBoxFor(f.contact).textContent = f.message || (f.command + ': ' + f.reason);
        settle(f.contact || (f.type === 'refused' ? 'presence' : null), false);
        break;
      default:
        break;
    }
  }

  function keep(token) {
    session = token;
    try {
      sessionStorage.setItem(KEPT, token);
    } catch (storageOff) {
      // storage turned off in this browser: reconnects work, a reload asks again
    }
  }

  function forget() {
    session = null;
    try {
      sessionStorage.removeItem(KEPT);
    } catch (storageOff) {
      // nothing was kept
    }
  }

  /** The session is over for this page: it starts again empty with the login form, saying why. */
  function startAgain(message) {
    forget();
    try {
      if (message) { sessionStorage.setItem(ENDED, message); }
    } catch (storageOff) {
      // the page starts again without the reason
    }
    location.reload();
  }

  /** What the server answers about the session rather than about the desk; @return whether it was one of those */
  function onSessionFrame(f) {
    if (f.type === 'agent-session') {
      keep(f.token); // stands for the name and secret from now on (reconnects, reloads)
    } else if (f.type === 'signed-out') {
      startAgain(null);
    } else if (f.type === 'error' && (f.code === 'session-ended' || f.code === 'replaced' || f.code === 'removed')) {
      if (welcome) {
        startAgain(f.message); // the desk showed: its cards and state are no longer this page's
      } else {
        forget(); // a kept session refused at a reload: the form asks anew
        document.getElementById('login-form').classList.remove('hidden');
        errorBox.textContent = f.message;
      }
    } else {
      return false;
    }
    return true;
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    ws = new WebSocket(scheme + location.host + '/ws/agent');
    ws.addEventListener('open', function () {
      // A reconnect is the page's doing, not the agent's: it does not keep an idle session going.
      if (session) { send({type: 'login', session: session, reconnect: opened}); }
      opened = true;
    });
    ws.addEventListener('message', function (e) {
      const f = JSON.parse(e.data);
      if (!onSessionFrame(f)) { onFrame(f); }
    });
    ws.addEventListener('close', function () {
      settle(null, false); // no answer comes on this connection; the next login shows the desk as the hub has it
      setTimeout(connect, 1000);
    });
  }

  document.getElementById('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    const secret = document.getElementById('secret');
    if (!send({type: 'login', agent: document.getElementById('agent').value, secret: secret.value})) {
      errorBox.textContent = 'Not connected to Loket (reconnecting): try again in a moment.';
      return;
    }
    secret.value = ''; // sent once; the session the answer brings stands for it
  });
  const presenceButtons = ['ready', 'pause', 'logout'].map(function (id) { return document.getElementById(id); });
  document.getElementById('ready').addEventListener('click', function () { sendOnce('presence', {type: 'ready'}, presenceButtons); });
  document.getElementById('pause').addEventListener('click', function () {
    sendOnce('presence', {type: 'pause', reason: document.getElementById('pause-reason').value}, presenceButtons);
  });
  document.getElementById('logout').addEventListener('click', function () { sendOnce('presence', {type: 'logout'}, presenceButtons); });
  try {
    session = sessionStorage.getItem(KEPT);
    errorBox.textContent = sessionStorage.getItem(ENDED) || '';
    sessionStorage.removeItem(ENDED);
  } catch (storageOff) {
    // nothing was kept: the form asks
  }
  document.getElementById('login-form').classList.toggle('hidden', session !== null);
  setInterval(function () { send({type: 'ping'}); }, 20000);
  connect();
}());
