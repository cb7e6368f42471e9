// Starts a conversation with the bot's own Direct Line endpoint and renders the official Web Chat client.
(function () {
  'use strict';

  const directLineDomain = window.location.origin + '/v3/directline';
  const status = document.getElementById('status');

  function showStatus(text) {
    status.textContent = text;
    status.hidden = false;
  }

  // directlinejs reads only the status of a refused send (a 4xx marks the message "Send failed"; a 5xx is taken as
  // "retry", so Web Chat says nothing until it gives up two minutes later). The bot's answer says why in words (a
  // message too long, too many uploads held, too many new chats): shown under the chat, and gone once a send succeeds.
  function explainRefusedSends() {
    const conversations = directLineDomain + '/conversations/';
    const open = window.XMLHttpRequest.prototype.open;
    let shown = false;
    window.XMLHttpRequest.prototype.open = function (method, url) {
      if (String(method).toUpperCase() === 'POST' && String(url).indexOf(conversations) === 0) {
        this.addEventListener('load', function () {
          if (this.status >= 200 && this.status < 300) {
            if (shown) {
              status.hidden = true;
              shown = false;
            }
            return;
          }
          const reason = refusalReason(this);
          if (reason) {
            showStatus(reason);
            shown = true;
          }
        });
      }
      return open.apply(this, arguments);
    };
  }

  // The bot's Direct Line error body: {"error":{"code":…,"message":…}}; rxjs asks for JSON, so it comes parsed.
  function refusalReason(request) {
    let body = request.response;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch (e) {
        body = null;
      }
    }
    return body && body.error && typeof body.error.message === 'string' ? body.error.message : null;
  }

  // crypto.randomUUID exists only in secure contexts; a page opened by LAN address over http is not one.
  function newUserId() {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return 'dl_' + Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  // The escalation console sends a signed-in Manager or Chair here with a token for a conversation already bound to
  // them, in the URL's fragment (never sent to a server). It is read once and removed from the address bar and history.
  function staffChatFromFragment() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const token = params.get('token');
    if (!token) {
      return null;
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return { token: token, userID: params.get('user') || undefined, username: params.get('name') || undefined };
  }

  // One conversation per browser tab: the token, conversation and user are kept in sessionStorage (which lives as long
  // as the tab), so a reload, or coming back after the bot restarted, resumes the same conversation and its history.
  const sessionKey = 'wwps-policybot-chat';
  // Tokens live 30 minutes; the page swaps its stored one for a fresh one well before then.
  const refreshEveryMs = 10 * 60 * 1000;

  function loadSession() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(sessionKey) || 'null');
      return saved && saved.token && saved.conversationId && saved.userID ? saved : null;
    } catch (e) {
      return null;
    }
  }

  function saveSession(session) {
    try {
      window.sessionStorage.setItem(sessionKey, JSON.stringify(session));
    } catch (e) {
      // Storage refused (private mode, quota): the chat still works, it just will not survive a reload.
    }
  }

  async function postToken(path, token, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) {
      headers.Authorization = 'Bearer ' + token;
    }
    const response = await fetch(directLineDomain + path, { method: 'POST', headers: headers, body: body ? JSON.stringify(body) : undefined });
    if (!response.ok) {
      const error = new Error('HTTP ' + response.status);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  // A fresh token for the saved conversation, or null when it can no longer be resumed (token or conversation gone).
  async function resume(saved) {
    try {
      const fresh = await postToken('/tokens/refresh', saved.token);
      return Object.assign({}, saved, { token: fresh.token, conversationId: fresh.conversationId });
    } catch (e) {
      if (e.status === 403 || e.status === 404) {
        return null;
      }
      throw e;
    }
  }

  function keepRefreshing(session) {
    window.setInterval(async function () {
      try {
        const fresh = await postToken('/tokens/refresh', session.token);
        session.token = fresh.token;
        saveSession(session);
      } catch (e) {
        // Offline or restarting: the next attempt, or the next load, tries again.
      }
    }, refreshEveryMs);
  }

  async function start() {
    if (!window.WebChat) {
      showStatus('The chat could not load. Please refresh the page.');
      return;
    }

    let session = null;
    try {
      const staff = staffChatFromFragment();
      if (staff) {
        // Started by the console: a new conversation, whose id the first refresh tells us.
        session = await resume({ token: staff.token, conversationId: 'pending', userID: staff.userID, username: staff.username });
        if (session) {
          session.fresh = true;
        }
      } else if (loadSession()) {
        session = await resume(loadSession());
      }

      if (!session) {
        // The token is bound to one new conversation and this user; Web Chat's own start call then starts it.
        const userID = newUserId();
        const issued = await postToken('/tokens/generate', null, { user: { id: userID }, locale: 'en-GB' });
        session = { token: issued.token, conversationId: issued.conversationId, userID: userID, fresh: true };
      }
    } catch (e) {
      showStatus('The assistant is not available right now. Please try again in a minute.');
      return;
    }

    explainRefusedSends();
    const resuming = !session.fresh;
    delete session.fresh;
    saveSession(session);
    keepRefreshing(session);

    const directLine = window.WebChat.createDirectLine({
      domain: directLineDomain,
      token: session.token,
      // Resuming: directlinejs reconnects to this conversation and reads its history from the start.
      conversationId: resuming ? session.conversationId : undefined,
      // Replies arrive over the bot's WebSocket stream as soon as they are written (directlinejs reconnects it after a drop).
      webSocket: true,
      pollingInterval: 1000
    });

    const styleOptions = {
      accent: '#2f7d5b',
      backgroundColor: '#ffffff',
      bubbleBackground: '#eef3ef',
      bubbleBorderRadius: 12,
      bubbleBorderWidth: 0,
      bubbleFromUserBackground: '#2f7d5b',
      bubbleFromUserTextColor: '#ffffff',
      bubbleFromUserBorderRadius: 12,
      bubbleFromUserBorderWidth: 0,
      bubbleMaxWidth: 560,
      botAvatarInitials: 'WW',
      botAvatarBackgroundColor: '#2f7d5b',
      userAvatarInitials: 'You',
      userAvatarBackgroundColor: '#5d6b63',
      // The upload button attaches a photo to a draft post; the bot keeps it in memory only, with the conversation.
      uploadAccept: 'image/*,video/*',
      uploadMultiple: false,
      sendBoxTextWrap: true,
      sendBoxButtonColor: '#2f7d5b',
      primaryFont: '"Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif',
      rootHeight: '100%',
      rootWidth: '100%'
    };

    window.WebChat.renderWebChat(
      { directLine: directLine, userID: session.userID, username: session.username, locale: 'en-GB', styleOptions: styleOptions },
      document.getElementById('webchat')
    );
  }

  start();
}());
