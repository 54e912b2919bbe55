#include "approvals/matrixbot.h"

#include "admin/chatlinks.h"
#include "approvals/chatrouting.h"
#include "channels/matrixclient.h"
#include "core/logging.h"
#include "store/approvalstore.h"
#include "store/chatstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QUrlQuery>
#include <QUuid>

namespace tap::approvals {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr int kMaxBackoffMs = 60000;
constexpr int kMaxTargetChars = 1000;
// An answer to an event not (yet) known as one of our requests is looked at again this often,
// this many times.
constexpr int kRecordWaitMs = 250;
constexpr int kRecordWaits = 12;

void log(QtMsgType level, const QString &event, const QJsonObject &fields = {})
{
    core::logEvent(core::lcApp(), level, event, fields);
}

QString pathPart(const QString &s)
{
    return channels::MatrixClient::pathPart(s);
}

// A message that is only a link code, optionally after "link" or "/start".
QString linkCodeIn(const QString &body)
{
    QString text = body.trimmed();
    for (const QString &prefix : { QStringLiteral("/start "), QStringLiteral("link ") }) {
        if (text.startsWith(prefix, Qt::CaseInsensitive))
            text = text.mid(prefix.size()).trimmed();
    }
    return admin::ChatLinkService::isCodeShaped(text) ? text : QString();
}

// What a reply says, without the reply fallback (spec "Fallbacks for rich replies": quoted
// lines starting with "> ", then a blank line).
QString replyWord(const QString &body)
{
    QStringList kept;
    for (const QString &line : body.split(u'\n')) {
        if (line.startsWith(u'>'))
            continue;
        kept << line;
    }
    return kept.join(u' ').trimmed().toLower();
}

// A reaction key without variation selectors and skin tones: 👍️ and 👍🏽 count as 👍.
QString bareEmoji(const QString &key)
{
    QString out;
    for (const char32_t c : key.toUcs4()) {
        if (c == 0xFE0F || c == 0xFE0E || (c >= 0x1F3FB && c <= 0x1F3FF))
            continue;
        out += QString::fromUcs4(&c, 1);
    }
    return out;
}

std::optional<bool> reactionDecision(const QString &key)
{
    const QString k = bareEmoji(key);
    if (k == u"👍" || k == u"✅" || k == u"✔")
        return true;
    if (k == u"👎" || k == u"❌")
        return false;
    return std::nullopt;
}

QString outcomeText(const store::ApprovalRow &row)
{
    const QString who = row.decidedBy.isEmpty() ? QStringLiteral("someone") : row.decidedBy;
    const QString via =
            row.decidedVia.isEmpty() ? QString() : QStringLiteral(" via ") + row.decidedVia;
    if (row.status == u"approved")
        return QStringLiteral("✅ Approved by %1%2, sending…").arg(who, via);
    if (row.status == u"forwarded")
        return QStringLiteral("✅ Approved by %1%2: sent, the upstream answered HTTP %3.")
                .arg(who, via)
                .arg(row.responseStatus);
    if (row.status == u"failed" && !row.cancelReason.isEmpty())
        return QStringLiteral("🚫 Cancelled: %1.").arg(cancelText(row.cancelReason));
    if (row.status == u"failed")
        return QStringLiteral("⚠️ Approved by %1%2, but sending failed.").arg(who, via);
    if (row.status == u"denied")
        return QStringLiteral("❌ Denied by %1%2.").arg(who, via);
    if (row.status == u"expired")
        return QStringLiteral("⌛ Expired without a decision.");
    return {};
}

} // namespace

MatrixBot::MatrixBot(store::Database &db, ApprovalService &approvals, admin::ChatLinkService &links,
                     Settings settings, QObject *parent)
    : QObject(parent),
      m_db(db),
      m_approvals(approvals),
      m_links(links),
      m_settings(std::move(settings)),
      m_client(new channels::MatrixClient(m_settings.homeserver, this))
{
    m_retry.setSingleShot(true);
}

MatrixBot::~MatrixBot()
{
    // Its replies go with it, without finishing: no callback runs on a half-destroyed bot.
    delete m_client;
}

void MatrixBot::start()
{
    m_started = true;
    connect(&m_retry, &QTimer::timeout, this, [this] { m_userId.isEmpty() ? whoami() : sync(); });
    // One syncing process per bot account.
    m_lease = new JobLease(
            m_db, JobLease::nameFor(QStringLiteral("matrix-sync"), m_settings.accessToken.toUtf8()),
            m_settings.instanceId, m_settings.leaseTtlMs, this);
    connect(m_lease, &JobLease::acquired, this, [this] {
        if (!m_userId.isEmpty()) // else whoami() starts syncing when it has the answer
            m_retry.start(0);
    });
    connect(m_lease, &JobLease::lost, this, [this] {
        if (!m_userId.isEmpty()) // a whoami() retry stays: acquired() relies on it
            m_retry.stop();
        m_since.clear(); // the other process answered meanwhile: catch up quietly if it comes back
        if (m_syncReply)
            m_syncReply->abort();
    });
    whoami();
    m_lease->start();
}

void MatrixBot::stop()
{
    m_stopped = true;
    m_retry.stop();
    if (m_syncReply) // first, so that no sync runs once the lease is released
        m_syncReply->abort();
    if (m_lease)
        m_lease->stop();
}

void MatrixBot::approvalCreated(const store::ApprovalRow &row)
{
    store::ApprovalRow copy = row;
    copy.sealedRequest.clear();
    QMetaObject::invokeMethod(
            this, [this, copy] { post(copy); }, Qt::QueuedConnection);
}

void MatrixBot::approvalChanged(const store::ApprovalRow &row)
{
    store::ApprovalRow copy = row;
    copy.sealedRequest.clear();
    copy.sealedResponse.clear();
    QMetaObject::invokeMethod(
            this, [this, copy] { showOutcome(copy); }, Qt::QueuedConnection);
}

QNetworkReply *MatrixBot::call(const QByteArray &verb, const QString &path, const QUrlQuery &query,
                               const QJsonObject &body, int timeoutMs, ApiDone done)
{
    return m_client->call(m_settings.accessToken.toUtf8(), verb, path, query, body, timeoutMs,
                          [done = std::move(done)](Result<QJsonObject> r, int) { done(r); });
}

void MatrixBot::retryLater(const QString &what, const Error &error)
{
    const int delay = qMin(kMaxBackoffMs, 1000 << qMin(m_failures, 6));
    if (m_failures % 10 == 0)
        log(QtWarningMsg, what,
            { { QStringLiteral("error"), error.message() },
              { QStringLiteral("retry_ms"), delay } });
    ++m_failures;
    m_retry.start(delay);
}

void MatrixBot::whoami()
{
    call("GET", QStringLiteral("/_matrix/client/v3/account/whoami"), {}, {},
         m_settings.requestTimeoutMs, [this](Result<QJsonObject> r) {
             const QString user = r ? r->value(QStringLiteral("user_id")).toString() : QString();
             if (user.isEmpty())
                 return retryLater(QStringLiteral("matrix whoami failed"),
                                   r ? Error(ErrorCode::UpstreamError, QStringLiteral("no user_id"))
                                     : r.error());
             m_userId = user;
             m_failures = 0;
             log(QtInfoMsg, QStringLiteral("matrix bot ready"),
                 { { QStringLiteral("user_id"), user } });
             sync(); // when holding the lease; else its acquired() starts it
         });
}

void MatrixBot::sync()
{
    if (m_stopped || !m_lease || !m_lease->held() || m_syncReply)
        return; // another process follows /sync, or a sync is under way
    // Only messages and reactions in joined rooms' timelines; nothing else is needed.
    static const QByteArray filter =
            QJsonDocument(
                    QJsonObject{
                            { QStringLiteral("presence"),
                              QJsonObject{ { QStringLiteral("types"), QJsonArray() } } },
                            { QStringLiteral("account_data"),
                              QJsonObject{ { QStringLiteral("types"), QJsonArray() } } },
                            { QStringLiteral("room"),
                              QJsonObject{
                                      { QStringLiteral("timeline"),
                                        QJsonObject{
                                                { QStringLiteral("limit"), 50 },
                                                { QStringLiteral("types"),
                                                  QJsonArray{ QStringLiteral("m.room.message"),
                                                              QStringLiteral("m.reaction") } } } },
                                      { QStringLiteral("state"),
                                        QJsonObject{ { QStringLiteral("types"), QJsonArray() } } },
                                      { QStringLiteral("ephemeral"),
                                        QJsonObject{ { QStringLiteral("types"), QJsonArray() } } },
                                      { QStringLiteral("account_data"),
                                        QJsonObject{
                                                { QStringLiteral("types"), QJsonArray() } } } } } })
                    .toJson(QJsonDocument::Compact);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("filter"),
                       QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(filter))));
    const bool catchingUp = m_since.isEmpty();
    query.addQueryItem(QStringLiteral("timeout"),
                       QString::number(catchingUp ? 0 : m_settings.syncTimeoutS * 1000));
    if (!catchingUp)
        query.addQueryItem(QStringLiteral("since"),
                           QString::fromLatin1(QUrl::toPercentEncoding(m_since)));
    m_syncReply = call("GET", QStringLiteral("/_matrix/client/v3/sync"), query, {},
                       m_settings.syncTimeoutS * 1000 + m_settings.requestTimeoutMs,
                       [this, catchingUp](Result<QJsonObject> r) {
                           m_syncReply = nullptr;
                           if (m_stopped || !m_lease->held())
                               return; // stopped, or the lease went to another process
                           if (!r)
                               return retryLater(QStringLiteral("matrix sync failed"), r.error());
                           m_failures = 0;
                           const QJsonObject join = r->value(QStringLiteral("rooms"))
                                                            .toObject()
                                                            .value(QStringLiteral("join"))
                                                            .toObject();
                           for (auto room = join.begin(); room != join.end(); ++room) {
                               const QJsonArray events = room.value()
                                                                 .toObject()
                                                                 .value(QStringLiteral("timeline"))
                                                                 .toObject()
                                                                 .value(QStringLiteral("events"))
                                                                 .toArray();
                               for (const QJsonValue &e : events)
                                   handleEvent(room.key(), e.toObject(), catchingUp);
                           }
                           const QString next = r->value(QStringLiteral("next_batch")).toString();
                           if (!next.isEmpty())
                               m_since = next;
                           m_retry.start(0);
                       });
}

void MatrixBot::handleEvent(const QString &roomId, const QJsonObject &event, bool catchingUp)
{
    const QString sender = event.value(QStringLiteral("sender")).toString();
    if (sender.isEmpty() || sender == m_userId)
        return; // our own messages, notices and their echoes
    const QString type = event.value(QStringLiteral("type")).toString();
    const QString eventId = event.value(QStringLiteral("event_id")).toString();
    const QJsonObject content = event.value(QStringLiteral("content")).toObject();
    const QJsonObject relates = content.value(QStringLiteral("m.relates_to")).toObject();
    if (type == u"m.reaction") {
        if (relates.value(QStringLiteral("rel_type")).toString() != u"m.annotation")
            return;
        const auto approve = reactionDecision(relates.value(QStringLiteral("key")).toString());
        if (approve)
            decide(roomId, relates.value(QStringLiteral("event_id")).toString(), eventId, sender,
                   *approve, catchingUp);
        return;
    }
    if (type != u"m.room.message")
        return;
    const QString repliedTo = relates.value(QStringLiteral("m.in_reply_to"))
                                      .toObject()
                                      .value(QStringLiteral("event_id"))
                                      .toString();
    if (repliedTo.isEmpty()) {
        // Not while catching up: a code sent meanwhile stays valid and may be sent again, and
        // old, used codes get no late "not valid" answers.
        const QString code = linkCodeIn(content.value(QStringLiteral("body")).toString());
        if (!code.isEmpty() && !catchingUp)
            link(roomId, eventId, sender, code);
        return;
    }
    const QString word = replyWord(content.value(QStringLiteral("body")).toString());
    if (word == u"approve" || word == u"deny")
        decide(roomId, repliedTo, eventId, sender, word == u"approve", catchingUp);
}

void MatrixBot::decide(const QString &roomId, const QString &relatedEvent, const QString &replyTo,
                       const QString &sender, bool approve, bool catchingUp, int attempt)
{
    if (relatedEvent.isEmpty())
        return;
    auto row = store::ApprovalStore(m_db).byMatrixEvent(roomId, relatedEvent);
    if (row && !row.value() && !catchingUp && attempt < kRecordWaits) {
        // Perhaps another process posted it and has not recorded the event id yet: a quick
        // answer can overtake that write. Looked at again a few times.
        QTimer::singleShot(kRecordWaitMs, this, [=, this] {
            decide(roomId, relatedEvent, replyTo, sender, approve, catchingUp, attempt + 1);
        });
        return;
    }
    if (!row || !row.value())
        return; // not one of our requests (or a reply to a notice)
    Approver who;
    who.via = QStringLiteral("matrix");
    who.matrixUserId = sender;
    // A member who linked this Matrix id decides as that member too (policies may name emails).
    auto member = store::ChatStore(m_db).memberByChatId(store::ChatStore::Network::Matrix,
                                                        row.value()->teamId, sender);
    if (member && member.value()) {
        who.userId = member.value()->userId;
        who.email = member.value()->email;
    }
    auto decided = m_approvals.decide(row.value()->id, approve, who);
    if (decided)
        return; // the outcome notice follows from approvalChanged
    QString why;
    const ErrorCode code = decided.error().code();
    if (code == ErrorCode::Conflict || code == ErrorCode::NotFound)
        return; // already decided or expired: the outcome notice says so
    if (code == ErrorCode::PasskeyRequired) {
        why = QStringLiteral("%1: approving needs a passkey, open %2")
                      .arg(sender, m_approvals.approvalUrl(row.value()->id));
    } else if (code == ErrorCode::Forbidden) {
        why = QStringLiteral("%1 is not allowed to decide on this request.").arg(sender);
    } else {
        why = QStringLiteral("The decision of %1 could not be recorded; try again.").arg(sender);
        log(QtWarningMsg, QStringLiteral("matrix decision failed"),
            { { QStringLiteral("txn_id"), row.value()->id },
              { QStringLiteral("error"), decided.error().message() } });
    }
    log(QtInfoMsg, QStringLiteral("matrix decision refused"),
        { { QStringLiteral("txn_id"), row.value()->id },
          { QStringLiteral("matrix_user_id"), sender } });
    if (!catchingUp)
        notice(roomId, replyTo, why);
}

// ---------------------------------------------------------------------------------------------
// Posting: the room is the policy's matrix_room_id, else the team's Matrix channel (the policy's
// approval_channel if set, else the first enabled one).

QString MatrixBot::resolveRoom(const store::ApprovalRow &row)
{
    auto facts = readRouteFacts(m_db, row);
    if (!facts)
        return {};
    const auto route = routeApproval(ChatNetwork::Matrix, facts.value());
    return route ? route->chat : QString();
}

// A link code counts in a direct message only (the bot and the sender alone in the room): in a
// shared room others could read it first.
void MatrixBot::link(const QString &roomId, const QString &eventId, const QString &sender,
                     const QString &code)
{
    m_client->joinedMembers(
            m_settings.accessToken.toUtf8(), roomId, m_settings.requestTimeoutMs,
            [this, roomId, eventId, sender, code](Result<QJsonObject> r, int) {
                if (!r)
                    return log(QtWarningMsg, QStringLiteral("matrix room members not read"),
                               { { QStringLiteral("error"), r.error().message() } });
                const QJsonObject joined = r->value(QStringLiteral("joined")).toObject();
                if (joined.size() != 2 || !joined.contains(sender) || !joined.contains(m_userId))
                    return notice(roomId, eventId,
                                  QStringLiteral("Send your link code to me in a direct "
                                                 "message; this one was not used."));
                notice(roomId, eventId,
                       m_links.redeem(store::ChatStore::Network::Matrix, code, sender));
            });
}

void MatrixBot::post(const store::ApprovalRow &row)
{
    const QString room = resolveRoom(row);
    if (room.isEmpty() || !m_started)
        return;
    auto name = store::ChatStore(m_db).teamName(row.teamId);
    const QString team = name ? name.value() : row.teamId;
    QString body =
            QStringLiteral(
                    "🔐 Approval needed\nAgent: %1\nTeam: %2\nCredential: %3\nRequest: %4 %5\n")
                    .arg(row.agentId, team, row.credentialName, row.method,
                         row.target.left(kMaxTargetChars));
    QString html =
            QStringLiteral("🔐 <b>Approval needed</b><br>Agent: <code>%1</code><br>Team: "
                           "<code>%2</code><br>"
                           "Credential: <code>%3</code><br>Request: <b>%4</b> <code>%5</code><br>")
                    .arg(row.agentId.toHtmlEscaped(), team.toHtmlEscaped(),
                         row.credentialName.toHtmlEscaped(), row.method.toHtmlEscaped(),
                         row.target.left(kMaxTargetChars).toHtmlEscaped());
    if (!row.newHosts.isEmpty()) { // #15 item 4: the first use of a host is a human's decision
        const QString notice = m_approvals.approval(row, false).notice();
        body += QStringLiteral("⚠️ %1\n").arg(notice);
        html += QStringLiteral("⚠️ %1<br>").arg(notice.toHtmlEscaped());
    }
    if (!row.bodyPreview.isEmpty()) {
        body += QStringLiteral("Body: %1\n").arg(row.bodyPreview);
        html += QStringLiteral("Body:<pre>%1</pre>").arg(row.bodyPreview.toHtmlEscaped());
    }
    const QString how = row.requirePasskey
            ? QStringLiteral("Approving needs a passkey: %1. Reply \"deny\" or react 👎 to deny.")
                      .arg(m_approvals.approvalUrl(row.id))
            : QStringLiteral("Reply \"approve\" or \"deny\", or react 👍 / 👎.");
    body += how + QStringLiteral("\nRequest id: ") + row.id;
    html += how.toHtmlEscaped()
            + QStringLiteral("<br>Request id: <code>%1</code>").arg(row.id.toHtmlEscaped());
    const QJsonObject content{ { QStringLiteral("msgtype"), QStringLiteral("m.text") },
                               { QStringLiteral("body"), body },
                               { QStringLiteral("format"),
                                 QStringLiteral("org.matrix.custom.html") },
                               { QStringLiteral("formatted_body"), html } };
    const QString id = row.id;
    auto sendTo = [this, id, content](const QString &roomId) {
        send(roomId, content, [this, id, roomId](const QString &eventId) {
            if (eventId.isEmpty())
                return;
            store::ApprovalStore approvals(m_db);
            if (auto s = approvals.setMatrixEvent(id, roomId, eventId); !s)
                return log(QtWarningMsg, QStringLiteral("matrix event id not stored"),
                           { { QStringLiteral("txn_id"), id } });
            if (auto now = approvals.get(id);
                now && now.value() && now.value()->status != u"pending")
                showOutcome(*now.value());
        });
    };
    if (!room.startsWith(u'#'))
        return sendTo(room);
    // An alias: events are sent to (and synced from) the room id it names.
    call("GET", QStringLiteral("/_matrix/client/v3/directory/room/") + pathPart(room), {}, {},
         m_settings.requestTimeoutMs, [id, sendTo](Result<QJsonObject> r) {
             const QString roomId = r ? r->value(QStringLiteral("room_id")).toString() : QString();
             if (roomId.isEmpty())
                 return log(QtWarningMsg, QStringLiteral("matrix room alias not resolved"),
                            { { QStringLiteral("txn_id"), id } });
             sendTo(roomId);
         });
}

void MatrixBot::send(const QString &roomId, const QJsonObject &content,
                     std::function<void(const QString &)> sent)
{
    // The transaction id makes a retried PUT idempotent on the homeserver.
    const QString txn = QStringLiteral("tap.%1.%2")
                                .arg(QUuid::createUuid().toString(QUuid::Id128))
                                .arg(++m_txn);
    m_client->sendMessage(
            m_settings.accessToken.toUtf8(), roomId, txn, content, m_settings.requestTimeoutMs,
            [sent](Result<QJsonObject> r, int) {
                const QString eventId =
                        r ? r->value(QStringLiteral("event_id")).toString() : QString();
                if (eventId.isEmpty())
                    log(QtWarningMsg, QStringLiteral("matrix message not sent"),
                        { { QStringLiteral("error"),
                            r ? QStringLiteral("no event_id") : r.error().message() } });
                if (sent)
                    sent(eventId); // empty: not sent
            });
}

void MatrixBot::notice(const QString &roomId, const QString &replyTo, const QString &text)
{
    QJsonObject content{ { QStringLiteral("msgtype"), QStringLiteral("m.notice") },
                         { QStringLiteral("body"), text } };
    if (!replyTo.isEmpty())
        content.insert(QStringLiteral("m.relates_to"),
                       QJsonObject{ { QStringLiteral("m.in_reply_to"),
                                      QJsonObject{ { QStringLiteral("event_id"), replyTo } } } });
    send(roomId, content);
}

void MatrixBot::showOutcome(const store::ApprovalRow &changed)
{
    store::ApprovalRow row = changed;
    if (row.matrixEventId.isEmpty()) {
        auto stored = store::ApprovalStore(m_db).get(row.id);
        if (!stored || !stored.value())
            return;
        row.matrixRoomId = stored.value()->matrixRoomId;
        row.matrixEventId = stored.value()->matrixEventId;
    }
    const QString text = outcomeText(row);
    if (row.matrixEventId.isEmpty() || text.isEmpty())
        return;
    // Notices of one request go out one after the other, in the order of its states.
    if (m_noticing.contains(row.id)) {
        m_nextNotices[row.id].append(row);
        return;
    }
    m_noticing.insert(row.id);
    const QString id = row.id;
    QJsonObject content{
        { QStringLiteral("msgtype"), QStringLiteral("m.notice") },
        { QStringLiteral("body"), text },
        { QStringLiteral("m.relates_to"),
          QJsonObject{ { QStringLiteral("m.in_reply_to"),
                         QJsonObject{ { QStringLiteral("event_id"), row.matrixEventId } } } } }
    };
    send(row.matrixRoomId, content, [this, id](const QString &) {
        m_noticing.remove(id);
        QList<store::ApprovalRow> next = m_nextNotices.take(id);
        if (next.isEmpty())
            return;
        const store::ApprovalRow first = next.takeFirst();
        if (!next.isEmpty())
            m_nextNotices.insert(id, next);
        showOutcome(first);
    });
}

} // namespace tap::approvals
