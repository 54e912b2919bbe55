#include "approvals/telegrambot.h"

#include "admin/chatlinks.h"
#include "approvals/chatrouting.h"
#include "approvals/telegrampoller.h"
#include "channels/telegramclient.h"
#include "core/logging.h"
#include "core/secretbytes.h"
#include "crypto/keyring.h"
#include "http/router.h"
#include "store/approvalstore.h"
#include "store/channelstore.h"
#include "store/chatstore.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace tap::approvals {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr int kMaxAnswerChars = 200; // answerCallbackQuery: text of 0-200 characters
constexpr int kMaxTargetChars = 1000;
// A click on a message whose id the posting process has not recorded yet is looked at again
// this often, this many times.
constexpr int kRecordWaitMs = 250;
constexpr int kRecordWaits = 20;

void log(QtMsgType level, const QString &event, const QJsonObject &fields = {})
{
    core::logEvent(core::lcApp(), level, event, fields);
}

QString html(const QString &s)
{
    return s.toHtmlEscaped();
}

QString outcomeLine(const store::ApprovalRow &row)
{
    const QString who = html(row.decidedBy.isEmpty() ? QStringLiteral("someone") : row.decidedBy);
    const QString via =
            row.decidedVia.isEmpty() ? QString() : QStringLiteral(" via ") + html(row.decidedVia);
    if (row.status == u"approved")
        return QStringLiteral("✅ <b>Approved</b> by %1%2, sending…").arg(who, via);
    if (row.status == u"forwarded")
        return QStringLiteral("✅ <b>Approved</b> by %1%2: sent, the upstream answered HTTP %3.")
                .arg(who, via)
                .arg(row.responseStatus);
    if (row.status == u"failed" && !row.cancelReason.isEmpty())
        return QStringLiteral("🚫 <b>Cancelled</b>: %1.").arg(html(cancelText(row.cancelReason)));
    if (row.status == u"failed")
        return QStringLiteral("⚠️ <b>Approved</b> by %1%2, but sending failed%3.")
                .arg(who, via,
                     row.responseStatus > 0 ? QStringLiteral(" (HTTP %1)").arg(row.responseStatus)
                                            : QString());
    if (row.status == u"denied")
        return QStringLiteral("❌ <b>Denied</b> by %1%2.").arg(who, via);
    if (row.status == u"expired")
        return QStringLiteral("⌛ <b>Expired</b> without a decision.");
    return {};
}

} // namespace

TelegramBot::TelegramBot(store::Database &db, store::Vault &vault, ApprovalService &approvals,
                         admin::ChatLinkService &links, Settings settings, QObject *parent)
    : QObject(parent),
      m_db(db),
      m_vault(vault),
      m_approvals(approvals),
      m_links(links),
      m_settings(std::move(settings)),
      m_client(new channels::TelegramClient(m_settings.apiBase, this))
{
}

TelegramBot::~TelegramBot()
{
    // Its replies go with it, without finishing: no callback runs on a half-destroyed bot. The
    // pollers (children) go next and release their leases.
    delete m_client;
    qDeleteAll(m_pollers);
}

void TelegramBot::stop()
{
    m_stopped = true;
    m_refresh.stop();
    for (TelegramPoller *p : std::as_const(m_pollers))
        p->stop();
}

void TelegramBot::start()
{
    m_started = true;
    const QByteArray global = m_settings.botToken.toUtf8();
    if (!global.isEmpty() && !m_settings.webhookSecret.isEmpty()) {
        QUrl hook = m_settings.publicUrl;
        hook.setPath(hook.path() + QStringLiteral("/telegram/webhook"));
        m_client->call(
                global, QStringLiteral("setWebhook"),
                { { QStringLiteral("url"), hook.toString() },
                  { QStringLiteral("secret_token"), m_settings.webhookSecret },
                  { QStringLiteral("allowed_updates"),
                    QJsonArray{ QStringLiteral("callback_query"), QStringLiteral("message") } } },
                m_settings.requestTimeoutMs, [](Result<QJsonValue> r, int) {
                    if (!r)
                        log(QtWarningMsg, QStringLiteral("telegram setWebhook failed"),
                            { { QStringLiteral("error"), r.error().message() } });
                });
    } else if (!global.isEmpty()) {
        ensurePoller(global, QStringLiteral("global"));
    }
    refreshChannels();
    connect(&m_refresh, &QTimer::timeout, this, &TelegramBot::refreshChannels);
    m_refresh.start(m_settings.leaseTtlMs);
}

// Teams' own bots (a channel's bot_token) are long-polled: their updates do not reach our
// webhook. Requests still waiting on them are found again after a restart this way. Run at start
// and then every lease period: a channel added through another process gets a poller here too
// (standing by unless this process takes the lease), and a deleted or disabled one's bot is no
// longer polled.
void TelegramBot::refreshChannels()
{
    if (m_stopped)
        return;
    auto channels = store::ChannelStore(m_db).enabledWithSecret(QStringLiteral("telegram"));
    if (!channels)
        return log(QtWarningMsg, QStringLiteral("telegram channels not read"),
                   { { QStringLiteral("error"), channels.error().message() } });
    QSet<QByteArray> wanted{ m_settings.botToken.toUtf8() };
    bool complete = true; // every channel's token was read: pollers not wanted may go
    for (const auto &[teamId, name] : std::as_const(channels.value())) {
        auto token = channelToken(teamId, name);
        complete = complete && token.ok();
        if (!token || token->isEmpty())
            continue;
        wanted.insert(token.value());
        ensurePoller(token.value(), QStringLiteral("team channel"));
    }
    for (auto it = m_pollers.begin(); it != m_pollers.end();) {
        if (!complete || wanted.contains(it.key())) {
            ++it;
            continue;
        }
        delete it.value(); // releases its lease
        it = m_pollers.erase(it);
    }
}

void TelegramBot::addRoutes(http::Router &router)
{
    if (m_settings.webhookSecret.isEmpty())
        return;
    // Telegram sends the secret_token given to setWebhook in this header with every update.
    router.add("POST", QStringLiteral("/telegram/webhook"), [this](const http::Call &c) {
        const QByteArray given = c.request.header("X-Telegram-Bot-Api-Secret-Token");
        if (!core::constantTimeEquals(given, m_settings.webhookSecret.toUtf8())) {
            log(QtWarningMsg, QStringLiteral("telegram webhook call refused: wrong secret token"));
            return c.responder.send(http::Response::error(Error(
                    ErrorCode::Unauthorized, QStringLiteral("Wrong or missing secret token."))));
        }
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(c.request.body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return c.responder.send(http::Response::error(
                    Error(ErrorCode::InvalidRequest, QStringLiteral("Expected a JSON update."))));
        const QJsonObject update = doc.object();
        QMetaObject::invokeMethod(
                this, [this, update] { handleUpdate(m_settings.botToken.toUtf8(), update); },
                Qt::QueuedConnection);
        c.responder.send(http::Response::json(200, { { QStringLiteral("ok"), true } }));
    });
}

void TelegramBot::approvalCreated(const store::ApprovalRow &row)
{
    store::ApprovalRow copy = row;
    copy.sealedRequest.clear();
    QMetaObject::invokeMethod(
            this, [this, copy] { post(copy); }, Qt::QueuedConnection);
}

void TelegramBot::approvalChanged(const store::ApprovalRow &row)
{
    store::ApprovalRow copy = row;
    copy.sealedRequest.clear();
    copy.sealedResponse.clear();
    QMetaObject::invokeMethod(
            this, [this, copy] { showOutcome(copy); }, Qt::QueuedConnection);
}

void TelegramBot::ensurePoller(const QByteArray &token, const QString &label)
{
    if (m_pollers.contains(token) || !m_started || m_stopped)
        return;
    if (!m_settings.webhookSecret.isEmpty() && token == m_settings.botToken.toUtf8())
        return; // the webhook delivers the global bot's updates
    const TelegramPoller::Settings settings{ m_settings.pollTimeoutS, m_settings.requestTimeoutMs,
                                             m_settings.instanceId, m_settings.leaseTtlMs };
    auto *p = new TelegramPoller(
            m_db, *m_client, token, label, settings,
            [this](const QByteArray &t, const QJsonObject &update) { handleUpdate(t, update); },
            this);
    m_pollers.insert(token, p);
    p->start();
}

void TelegramBot::handleUpdate(const QByteArray &token, const QJsonObject &update)
{
    const QJsonValue query = update.value(QStringLiteral("callback_query"));
    if (query.isObject())
        return handleCallback(token, query.toObject());
    const QJsonValue message = update.value(QStringLiteral("message"));
    if (message.isObject())
        handleMessage(token, message.toObject());
}

// "/start <code>" in a private chat links the sender's Telegram account to the member who got
// the code (t.me/<bot>?start=<code> deep links send exactly this). Other messages are ignored.
void TelegramBot::handleMessage(const QByteArray &token, const QJsonObject &message)
{
    static const QRegularExpression startRe(
            QStringLiteral("^/start(?:@\\w+)?(?:\\s+(\\S*))?\\s*$"));
    const QJsonObject chat = message.value(QStringLiteral("chat")).toObject();
    const auto m = startRe.match(message.value(QStringLiteral("text")).toString());
    const QString chatId = chatIdText(chat.value(QStringLiteral("id")));
    if (!m.hasMatch() || chatId.isEmpty())
        return;
    if (chat.value(QStringLiteral("type")).toString() != u"private")
        return reply(token, chatId,
                     QStringLiteral("Send /start with your link code to me in a private chat."));
    const QString code = m.captured(1);
    if (code.isEmpty())
        return reply(token, chatId,
                     QStringLiteral("To decide on TAP approvals here, get a link code in the TAP "
                                    "console (Members) and send /start <code>."));
    const QString from = chatIdText(
            message.value(QStringLiteral("from")).toObject().value(QStringLiteral("id")));
    reply(token, chatId, m_links.redeem(store::ChatStore::Network::Telegram, code, from));
}

void TelegramBot::reply(const QByteArray &token, const QString &chatId, const QString &text)
{
    m_client->call(token, QStringLiteral("sendMessage"),
                   { { QStringLiteral("chat_id"), chatId }, { QStringLiteral("text"), text } },
                   m_settings.requestTimeoutMs, [](Result<QJsonValue> r, int) {
                       if (!r)
                           log(QtInfoMsg, QStringLiteral("telegram reply not delivered"),
                               { { QStringLiteral("error"), r.error().message() } });
                   });
}

void TelegramBot::answer(const QByteArray &token, const QString &queryId, const QString &text,
                         bool alert)
{
    QJsonObject params{ { QStringLiteral("callback_query_id"), queryId },
                        { QStringLiteral("text"), text.left(kMaxAnswerChars) } };
    if (alert)
        params.insert(QStringLiteral("show_alert"), true);
    m_client->call(token, QStringLiteral("answerCallbackQuery"), params,
                   m_settings.requestTimeoutMs, [](Result<QJsonValue> r, int) {
                       if (!r)
                           log(QtInfoMsg, QStringLiteral("telegram answer not delivered"),
                               { { QStringLiteral("error"), r.error().message() } });
                   });
}

void TelegramBot::handleCallback(const QByteArray &token, const QJsonObject &query, int attempt)
{
    const QString queryId = query.value(QStringLiteral("id")).toString();
    const QJsonObject from = query.value(QStringLiteral("from")).toObject();
    const QJsonObject message = query.value(QStringLiteral("message")).toObject();
    const QString chatId = chatIdText(
            message.value(QStringLiteral("chat")).toObject().value(QStringLiteral("id")));
    const QString messageId = chatIdText(message.value(QStringLiteral("message_id")));
    static const QRegularExpression dataRe(QStringLiteral("^([ad]):([0-9a-fA-F-]{1,64})$"));
    const auto m = dataRe.match(query.value(QStringLiteral("data")).toString());
    if (queryId.isEmpty())
        return;
    if (!m.hasMatch() || chatIdText(from.value(QStringLiteral("id"))).isEmpty())
        return answer(token, queryId, QStringLiteral("This button is not one of TAP's."), true);
    const QString txn = m.captured(2);
    const bool approve = m.captured(1) == u"a";

    auto found = store::ApprovalStore(m_db).get(txn);
    if (!found || !found.value())
        return answer(token, queryId, QStringLiteral("This request no longer exists."), true);
    const store::ApprovalRow &row = *found.value();
    if (row.telegramMessageId.isEmpty() && attempt < kRecordWaits) {
        // Another process posted the message and has not recorded its id yet: a quick click
        // can overtake that write.
        QTimer::singleShot(kRecordWaitMs, this, [this, token, query, attempt] {
            handleCallback(token, query, attempt + 1);
        });
        return;
    }
    // Callback data can be forged by a modified client: the click must come from the very
    // message this bot posted for the request, through a bot serving the request's team.
    if (row.telegramChatId != chatId || row.telegramMessageId != messageId
        || !tokenServesTeam(token, row.teamId))
        return answer(token, queryId,
                      QStringLiteral("This button does not belong to this request."), true);

    const Approver who = approverFor(from, row.teamId);
    auto decided = m_approvals.decide(txn, approve, who);
    if (decided)
        return answer(token, queryId,
                      approve ? QStringLiteral("Approved.") : QStringLiteral("Denied."), false);
    QString why;
    const ErrorCode code = decided.error().code();
    if (code == ErrorCode::PasskeyRequired) {
        why = QStringLiteral("Needs a passkey: open %1").arg(m_approvals.approvalUrl(txn));
    } else if (code == ErrorCode::Forbidden) {
        why = QStringLiteral("You are not allowed to decide on this request.");
    } else if (code == ErrorCode::Conflict || code == ErrorCode::NotFound) {
        why = decided.error().message();
    } else {
        why = QStringLiteral("The decision could not be recorded; try again.");
        log(QtWarningMsg, QStringLiteral("telegram decision failed"),
            { { QStringLiteral("txn_id"), txn },
              { QStringLiteral("error"), decided.error().message() } });
    }
    log(QtInfoMsg, QStringLiteral("telegram decision refused"),
        { { QStringLiteral("txn_id"), txn },
          { QStringLiteral("telegram_user_id"), who.telegramUserId },
          { QStringLiteral("reason"), why.left(120) } });
    answer(token, queryId, why, true);
}

// A Telegram user who linked their id to a member of the team decides as that member too (so
// policies may name them by email).
Approver TelegramBot::approverFor(const QJsonObject &from, const QString &teamId)
{
    Approver who;
    who.via = QStringLiteral("telegram");
    who.telegramUserId = chatIdText(from.value(QStringLiteral("id")));
    auto member = store::ChatStore(m_db).memberByChatId(store::ChatStore::Network::Telegram, teamId,
                                                        who.telegramUserId);
    if (member && member.value()) {
        who.userId = member.value()->userId;
        who.email = member.value()->email;
    }
    return who;
}

// ---------------------------------------------------------------------------------------------
// Where a request goes: policy telegram_chat_id, else the team's Telegram channel (the policy's
// approval_channel if set, else the first enabled one), else TAP_TELEGRAM_CHAT_ID. A channel's
// own bot token wins over the global one for that channel's chat.

Result<QByteArray> TelegramBot::channelToken(const QString &teamId, const QString &name)
{
    auto sealed = store::ChannelStore(m_db).sealedSecret(teamId, name);
    if (!sealed)
        return sealed.error();
    if (sealed->isEmpty())
        return QByteArray();
    auto opened = m_vault.open(
            teamId, crypto::KeyRing::rowAad("tap:channel-secret:v1", teamId, name), sealed.value());
    if (!opened)
        return opened.error();
    return opened->exposeCopy();
}

std::optional<TelegramBot::Target> TelegramBot::resolve(const store::ApprovalRow &row)
{
    auto facts = readRouteFacts(m_db, row);
    if (!facts)
        return std::nullopt;
    facts->defaultTelegramChatId = m_settings.defaultChatId;
    facts->globalTelegramBot = !m_settings.botToken.isEmpty();
    const auto route = routeApproval(ChatNetwork::Telegram, facts.value());
    if (!route)
        return std::nullopt;
    Target t{ route->chat, m_settings.botToken.toUtf8() };
    if (!route->botChannel.isEmpty()) {
        auto token = channelToken(row.teamId, route->botChannel);
        if (!token) {
            log(QtWarningMsg, QStringLiteral("telegram channel bot token not readable"),
                { { QStringLiteral("team_id"), row.teamId },
                  { QStringLiteral("channel"), route->botChannel } });
            return std::nullopt;
        }
        t.token = token.value();
    }
    if (t.token.isEmpty())
        return std::nullopt;
    return t;
}

bool TelegramBot::tokenServesTeam(const QByteArray &token, const QString &teamId)
{
    if (!m_settings.botToken.isEmpty()
        && core::constantTimeEquals(token, m_settings.botToken.toUtf8()))
        return true;
    auto channels = store::ChannelStore(m_db).list(teamId);
    if (!channels)
        return false;
    for (const store::ChannelRow &c : channels.value()) {
        if (c.type != u"telegram" || !c.hasSecret)
            continue;
        if (auto t = channelToken(teamId, c.name); t && core::constantTimeEquals(token, t.value()))
            return true;
    }
    return false;
}

// The bot that posted a request's message: the one serving its chat now, else the global one.
QByteArray TelegramBot::tokenForMessage(const store::ApprovalRow &row)
{
    if (auto target = resolve(row))
        return target->token;
    return m_settings.botToken.toUtf8();
}

QString TelegramBot::messageText(const store::ApprovalRow &row)
{
    auto name = store::ChatStore(m_db).teamName(row.teamId);
    const QString team = name ? name.value() : row.teamId;
    QString text = QStringLiteral("🔐 <b>Approval needed</b>\n");
    text += QStringLiteral("Agent: <code>%1</code>\n").arg(html(row.agentId));
    if (row.agentHomeTeamId != row.teamId)
        text += QStringLiteral("Agent's team: <code>%1</code>\n").arg(html(row.agentHomeTeamId));
    text += QStringLiteral("Team: <code>%1</code>\n").arg(html(team));
    text += QStringLiteral("Credential: <code>%1</code>\n").arg(html(row.credentialName));
    text += QStringLiteral("Request: <b>%1</b> <code>%2</code>\n")
                    .arg(html(row.method), html(row.target.left(kMaxTargetChars)));
    if (!row.newHosts.isEmpty()) // #15 item 4: the first use of a host is a human's decision
        text += QStringLiteral("⚠️ %1\n").arg(html(m_approvals.approval(row, false).notice()));
    if (!row.bodyPreview.isEmpty())
        text += QStringLiteral("Body:\n<pre>%1</pre>\n").arg(html(row.bodyPreview));
    if (row.requirePasskey)
        text += QStringLiteral("Approving needs a passkey: %1\n")
                        .arg(html(m_approvals.approvalUrl(row.id)));
    text += QStringLiteral("Request id: <code>%1</code>").arg(html(row.id));
    return text;
}

void TelegramBot::post(const store::ApprovalRow &row)
{
    const auto target = resolve(row);
    if (!target)
        return;
    ensurePoller(target->token,
                 target->token == m_settings.botToken.toUtf8() ? QStringLiteral("global")
                                                               : QStringLiteral("team channel"));
    const QJsonArray keyboard{ QJsonArray{
            QJsonObject{
                    { QStringLiteral("text"), QStringLiteral("✅ Approve") },
                    { QStringLiteral("callback_data"), QString(QStringLiteral("a:") + row.id) } },
            QJsonObject{ { QStringLiteral("text"), QStringLiteral("❌ Deny") },
                         { QStringLiteral("callback_data"),
                           QString(QStringLiteral("d:") + row.id) } } } };
    const QJsonObject params{ { QStringLiteral("chat_id"), target->chatId },
                              { QStringLiteral("text"), messageText(row) },
                              { QStringLiteral("parse_mode"), QStringLiteral("HTML") },
                              { QStringLiteral("disable_web_page_preview"), true },
                              { QStringLiteral("reply_markup"),
                                QJsonObject{ { QStringLiteral("inline_keyboard"), keyboard } } } };
    const QString id = row.id;
    m_client->call(
            target->token, QStringLiteral("sendMessage"), params, m_settings.requestTimeoutMs,
            [this, id](Result<QJsonValue> r, int) {
                if (!r)
                    return log(QtWarningMsg, QStringLiteral("telegram approval message not sent"),
                               { { QStringLiteral("txn_id"), id },
                                 { QStringLiteral("error"), r.error().message() } });
                const QJsonObject message = r.value().toObject();
                // The chat as Telegram numbers it (an @channel name becomes its id): callbacks
                // carry that number.
                const QString chat = chatIdText(message.value(QStringLiteral("chat"))
                                                        .toObject()
                                                        .value(QStringLiteral("id")));
                const QString messageId = chatIdText(message.value(QStringLiteral("message_id")));
                store::ApprovalStore approvals(m_db);
                if (auto s = approvals.setTelegramMessage(id, chat, messageId); !s)
                    return log(QtWarningMsg, QStringLiteral("telegram message id not stored"),
                               { { QStringLiteral("txn_id"), id } });
                // Decided (elsewhere) while the message was on its way: show it now.
                if (auto now = approvals.get(id);
                    now && now.value() && now.value()->status != u"pending")
                    showOutcome(*now.value());
            });
}

void TelegramBot::showOutcome(const store::ApprovalRow &changed)
{
    store::ApprovalRow row = changed;
    // The row a decision started from may predate the message: take its id from the database.
    if (row.telegramMessageId.isEmpty()) {
        auto stored = store::ApprovalStore(m_db).get(row.id);
        if (!stored || !stored.value())
            return;
        row.telegramChatId = stored.value()->telegramChatId;
        row.telegramMessageId = stored.value()->telegramMessageId;
    }
    const QString outcome = outcomeLine(row);
    if (row.telegramMessageId.isEmpty() || outcome.isEmpty())
        return;
    // One edit per message at a time, the newest state last: "sending…" must not overtake
    // "sent" on another connection.
    if (m_editing.contains(row.id)) {
        m_nextEdit.insert(row.id, row);
        return;
    }
    m_editing.insert(row.id);
    // No reply_markup: editMessageText without one removes the inline keyboard.
    const QJsonObject params{ { QStringLiteral("chat_id"), row.telegramChatId },
                              { QStringLiteral("message_id"), row.telegramMessageId.toLongLong() },
                              { QStringLiteral("text"),
                                QString(messageText(row) + QStringLiteral("\n\n") + outcome) },
                              { QStringLiteral("parse_mode"), QStringLiteral("HTML") },
                              { QStringLiteral("disable_web_page_preview"), true } };
    const QString id = row.id;
    m_client->call(tokenForMessage(row), QStringLiteral("editMessageText"), params,
                   m_settings.requestTimeoutMs, [this, id](Result<QJsonValue> r, int) {
                       if (!r)
                           log(QtInfoMsg, QStringLiteral("telegram approval message not edited"),
                               { { QStringLiteral("txn_id"), id },
                                 { QStringLiteral("error"), r.error().message() } });
                       m_editing.remove(id);
                       if (m_nextEdit.contains(id))
                           showOutcome(m_nextEdit.take(id));
                   });
}

} // namespace tap::approvals
