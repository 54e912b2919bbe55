#include "support/fakeadminapi.h"
#include "support/fakeadminapi_p.h"

#include "api/validation.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

namespace tap::testsupport {

using namespace fake;

FakeAdminApi::FakeAdminApi(QObject *parent) : QObject(parent)
{
    team = { { QStringLiteral("id"), QStringLiteral("team-1") },
             { QStringLiteral("name"), QStringLiteral("my-team") },
             { QStringLiteral("created_at"), now() } };
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_buffers.remove(socket);
                for (qsizetype i = m_held.size() - 1; i >= 0; --i) {
                    if (m_held.at(i).socket == socket)
                        delete m_held.takeAt(i).timer;
                }
                socket->deleteLater();
            });
        }
    });
}

FakeAdminApi::~FakeAdminApi()
{
    // Sockets die with the server below; their signals must not reach a half-destroyed fake.
    const auto sockets = m_server.findChildren<QTcpSocket *>() + findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets)
        socket->disconnect(this);
}

bool FakeAdminApi::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl FakeAdminApi::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
}

void FakeAdminApi::addAccount(const QString &email, const QString &password, const QString &role,
                              bool verified)
{
    m_accounts.insert(email,
                      { password, str(team, "name"), role, verified,
                        QStringLiteral("user-%1").arg(m_accounts.size() + 1) });
    members.append({ { QStringLiteral("id"), m_accounts.value(email).id },
                     { QStringLiteral("email"), email },
                     { QStringLiteral("role"), role },
                     { QStringLiteral("email_verified"), verified },
                     { QStringLiteral("joined_at"), now() } });
}

void FakeAdminApi::failNext(const QByteArray &method, const QString &path, int status,
                            const QString &code, const QString &message)
{
    m_failures.insert(QString::fromLatin1(method) + u' ' + path,
                      { status, errorBody(code, message), {} });
}

int FakeAdminApi::count(const QByteArray &method, const QString &path) const
{
    int n = 0;
    for (const Request &r : requests)
        n += r.method == method && r.path == path ? 1 : 0;
    return n;
}

void FakeAdminApi::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    Request request;
    request.method = requestLine.value(0);
    const QUrl target(QString::fromLatin1(requestLine.value(1)));
    request.path = target.path(QUrl::FullyDecoded);
    request.query = QUrlQuery(target.query(QUrl::FullyEncoded));
    qsizetype length = 0;
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "authorization")
            request.authorization = value;
    }
    if (buffer.size() < headerEnd + 4 + length)
        return;
    request.body = QJsonDocument::fromJson(buffer.mid(headerEnd + 4, length)).object();
    buffer.clear();
    requests.append(request);
    handle(socket, request);
}

void FakeAdminApi::handle(QTcpSocket *socket, const Request &request)
{
    if (m_stalled.contains(request.path))
        return;
    const QString key = QString::fromLatin1(request.method) + u' ' + request.path;
    if (m_failures.contains(key))
        return write(socket, m_failures.take(key));
    bool handled = false;
    Response account = accountRoute(request, &handled);
    if (handled)
        return write(socket, account);
    const QString token = QString::fromLatin1(request.authorization.mid(7));
    if (!request.authorization.startsWith("Bearer ") || !m_sessions.contains(token))
        return write(socket,
                     { 401,
                       errorBody(QStringLiteral("unauthorized"),
                                 QStringLiteral("Missing, invalid or expired session token.")),
                       {} });
    const QString email = m_sessions.value(token);
    if (request.path == u"/admin/approvals" && request.query.hasQueryItem(QStringLiteral("wait"))
        && request.query.queryItemValue(QStringLiteral("cursor"))
                == QString::number(m_approvalVersion)) {
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, socket] { answerHeld(socket); });
        timer->start(request.query.queryItemValue(QStringLiteral("wait")).toInt() * 1000);
        m_held.append({ socket, request.query.queryItemValue(QStringLiteral("status")), timer });
        return;
    }
    const QStringList parts = request.path.split(u'/', Qt::SkipEmptyParts);
    if (parts.value(0) == u"admin" && parts.value(1) == u"approvals")
        return write(socket, approvalRoute(request, parts, email));
    write(socket, route(request, m_accounts.value(email).role));
}

void FakeAdminApi::write(QTcpSocket *socket, const Response &response)
{
    const QByteArray body = response.raw.isNull()
            ? QJsonDocument(response.body).toJson(QJsonDocument::Compact)
            : response.raw;
    socket->write("HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status)
                  + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    socket->disconnectFromHost();
}

FakeAdminApi::Response FakeAdminApi::accountRoute(const Request &r, bool *handled)
{
    *handled = true;
    const QString email = str(r.body, "email").trimmed().toLower();
    const auto fail = [](int status, const char *code, const QString &message) {
        return Response{ status, errorBody(QString::fromLatin1(code), message), {} };
    };
    const QString inviteToken = str(r.body, "invite_token");
    if (r.method == "POST" && r.path == u"/signup" && !inviteToken.isEmpty())
        return invitedSignup(r, email);
    if (r.method == "POST" && r.path == u"/signup") {
        for (const core::Result<void> &check :
             { api::checkEmail(email), api::checkPassword(str(r.body, "password")),
               api::checkTeamName(str(r.body, "team_name")) }) {
            if (!check)
                return fail(400, "invalid_request", check.error().message());
        }
        if (m_accounts.contains(email))
            return fail(409, "conflict",
                        QStringLiteral("An account with this email already exists; log in "
                                       "instead."));
        team.insert(QStringLiteral("name"), str(r.body, "team_name"));
        addAccount(email, str(r.body, "password"), QStringLiteral("owner"), false);
        return { 201,
                 { { QStringLiteral("email"), email },
                   { QStringLiteral("email_verified"), false },
                   { QStringLiteral("message"),
                     QStringLiteral("A 6-digit verification code was sent to %1.").arg(email) } },
                 {} };
    }
    if (r.method == "POST" && r.path == u"/verify-email") {
        if (!m_accounts.contains(email) || str(r.body, "code") != QLatin1String(kVerificationCode))
            return fail(400, "invalid_request",
                        QStringLiteral("The code is invalid or has expired."));
        m_accounts[email].verified = true;
        return { 200, { { QStringLiteral("email_verified"), true } }, {} };
    }
    if (r.method == "POST" && r.path == u"/resend-verification")
        return { 200,
                 { { QStringLiteral("message"), QStringLiteral("A new code is on its way.") } },
                 {} };
    if (r.method == "POST" && r.path == u"/login") {
        const Account a = m_accounts.value(email);
        if (!m_accounts.contains(email) || a.password != str(r.body, "password"))
            return fail(401, "unauthorized", QStringLiteral("Invalid email or password."));
        if (!a.verified)
            return fail(403, "forbidden",
                        QStringLiteral("Verify your email address first (POST /verify-email)."));
        if (!inviteToken.isEmpty()) {
            if (str(m_inviteTokens.value(inviteToken), "email") != email)
                return fail(400, "invalid_request",
                            QStringLiteral("The invitation is invalid or has expired."));
            m_accounts[email].role = str(m_inviteTokens.take(inviteToken), "role");
        } else if (!str(r.body, "team_id").isEmpty() && str(r.body, "team_id") != str(team, "id")) {
            return fail(403, "forbidden", QStringLiteral("You are not a member of that team."));
        }
        const QString token = QStringLiteral("taps_fake%1").arg(m_nextToken++);
        m_sessions.insert(token, email);
        return { 200,
                 { { QStringLiteral("session_token"), token },
                   { QStringLiteral("admin_id"), a.id },
                   { QStringLiteral("team_id"), str(team, "id") },
                   { QStringLiteral("role"), m_accounts.value(email).role },
                   { QStringLiteral("expires_at"), now() } },
                 {} };
    }
    if (r.method == "POST" && r.path == u"/logout") {
        m_sessions.remove(QString::fromLatin1(r.authorization.mid(7)));
        return { 200, { { QStringLiteral("status"), QStringLiteral("logged_out") } }, {} };
    }
    *handled = false;
    return {};
}

// POST /signup with an invitation: the account joins the team verified, with the invited role.
FakeAdminApi::Response FakeAdminApi::invitedSignup(const Request &r, const QString &email)
{
    const QJsonObject invite = m_inviteTokens.value(str(r.body, "invite_token"));
    if (invite.isEmpty())
        return { 400,
                 errorBody(QStringLiteral("invalid_request"),
                           QStringLiteral("The invitation is invalid or has expired.")),
                 {} };
    if (str(invite, "email") != email)
        return { 403,
                 errorBody(QStringLiteral("forbidden"),
                           QStringLiteral("This invitation was sent to another address.")),
                 {} };
    if (auto check = api::checkPassword(str(r.body, "password")); !check)
        return { 400, errorBody(QStringLiteral("invalid_request"), check.error().message()), {} };
    m_inviteTokens.remove(str(r.body, "invite_token"));
    addAccount(email, str(r.body, "password"), str(invite, "role"), true);
    return { 201,
             { { QStringLiteral("admin_id"), m_accounts.value(email).id },
               { QStringLiteral("team_id"), str(team, "id") },
               { QStringLiteral("email"), email },
               { QStringLiteral("email_verified"), true },
               { QStringLiteral("message"),
                 QStringLiteral("Account created and invitation accepted; you can log in.") } },
             {} };
}

QString FakeAdminApi::addInvite(const QString &email, const QString &role)
{
    const QString token = QStringLiteral("tapi_fake%1").arg(m_inviteTokens.size() + 1);
    m_inviteTokens.insert(token,
                          { { QStringLiteral("email"), email }, { QStringLiteral("role"), role } });
    return token;
}

FakeAdminApi::Response FakeAdminApi::route(const Request &r, const QString &role)
{
    const QStringList parts = r.path.split(u'/', Qt::SkipEmptyParts);
    if (r.method != "GET" && role == u"approver")
        return { 403,
                 errorBody(QStringLiteral("forbidden"),
                           QStringLiteral("Approvers can view configuration and decide "
                                          "approvals, but only owners and admins can change it.")),
                 {} };
    const QString area = parts.value(1);
    Response out;
    if (area == u"team" || area == u"members")
        out = teamRoute(r, parts);
    else if (area == u"credentials" || area == u"policies")
        out = credentialRoute(r, parts);
    else if (area == u"agents")
        out = agentRoute(r, parts);
    else if (area == u"roles")
        out = roleRoute(r, parts);
    else if (area == u"notification-channels")
        out = channelRoute(r, parts);
    else if (area == u"agent-links")
        out = linkRoute(r, parts);
    else if (area == u"audit")
        out = auditRoute(r, parts);
    else
        out = { 404, errorBody(QStringLiteral("not_found"), QStringLiteral("No such path.")), {} };
    if (area == u"team")
        out.body.insert(QStringLiteral("your_role"), role);
    return out;
}

// The remaining routes are in fakeadminapi_routes.cpp.

QJsonObject FakeAdminApi::addApproval(const QString &id, const QString &credential, bool canDecide,
                                      bool requirePasskey)
{
    const QJsonObject a{ { QStringLiteral("id"), id },
                         { QStringLiteral("status"), QStringLiteral("pending") },
                         { QStringLiteral("team_id"), str(team, "id") },
                         { QStringLiteral("agent_id"), QString(QStringLiteral("agent-") + id) },
                         { QStringLiteral("agent_name"), QString(QStringLiteral("Agent ") + id) },
                         { QStringLiteral("agent_home_team_id"), str(team, "id") },
                         { QStringLiteral("credential"), credential },
                         { QStringLiteral("method"), QStringLiteral("POST") },
                         { QStringLiteral("target"),
                           QString(QStringLiteral("https://api.example.com/") + id) },
                         { QStringLiteral("body_preview"), QStringLiteral("{\"text\":\"hello\"}") },
                         { QStringLiteral("require_passkey"), requirePasskey },
                         { QStringLiteral("can_decide"), canDecide },
                         { QStringLiteral("created_at"), now() },
                         { QStringLiteral("expires_at"),
                           QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate) },
                         { QStringLiteral("decided_by"), QJsonValue() },
                         { QStringLiteral("decided_via"), QJsonValue() },
                         { QStringLiteral("decided_at"), QJsonValue() },
                         { QStringLiteral("approval_url"),
                           QString(url().toString() + QStringLiteral("/approve/") + id) } };
    m_approvals.append(a);
    approvalsChanged();
    return a;
}

void FakeAdminApi::setApprovalStatus(const QString &id, const QString &status)
{
    const qsizetype i = indexOf(m_approvals, "id", id);
    if (i < 0)
        return;
    m_approvals[i].insert(QStringLiteral("status"), status);
    approvalsChanged();
}

QJsonObject FakeAdminApi::approval(const QString &id) const
{
    const qsizetype i = indexOf(m_approvals, "id", id);
    return i < 0 ? QJsonObject() : m_approvals.at(i);
}

QJsonObject FakeAdminApi::approvalList(const QString &status) const
{
    QList<QJsonObject> items;
    for (const QJsonObject &a : m_approvals) {
        if (status.isEmpty() || status == u"all" || str(a, "status") == status)
            items.append(a);
    }
    return { { QStringLiteral("items"), array(items) },
             { QStringLiteral("cursor"), QString::number(m_approvalVersion) } };
}

void FakeAdminApi::approvalsChanged()
{
    ++m_approvalVersion;
    const QList<HeldPoll> held = m_held;
    for (const HeldPoll &h : held)
        answerHeld(h.socket);
}

void FakeAdminApi::answerHeld(QTcpSocket *socket)
{
    for (qsizetype i = 0; i < m_held.size(); ++i) {
        if (m_held.at(i).socket != socket)
            continue;
        const HeldPoll h = m_held.takeAt(i);
        h.timer->deleteLater();
        write(socket, { 200, approvalList(h.status), {} });
        return;
    }
}

FakeAdminApi::Response FakeAdminApi::approvalRoute(const Request &r, const QStringList &parts,
                                                   const QString &email)
{
    if (parts.size() == 2 && r.method == "GET")
        return { 200, approvalList(r.query.queryItemValue(QStringLiteral("status"))), {} };
    const qsizetype i = indexOf(m_approvals, "id", parts.value(2));
    if (i < 0)
        return { 404,
                 errorBody(QStringLiteral("not_found"), QStringLiteral("No such approval.")),
                 {} };
    if (parts.size() == 3 && r.method == "GET")
        return { 200, m_approvals.at(i), {} };
    QJsonObject &a = m_approvals[i];
    if (str(a, "status") != u"pending")
        return { 409,
                 errorBody(QStringLiteral("conflict"),
                           QStringLiteral("This request was already decided or has expired.")),
                 {} };
    if (!a.value(QStringLiteral("can_decide")).toBool())
        return { 403,
                 errorBody(QStringLiteral("forbidden"),
                           QStringLiteral("You are not an allowed approver for this credential.")),
                 {} };
    // Like tapd: only approving needs the passkey page; a deny is taken here.
    if (parts.value(3) == u"approve" && a.value(QStringLiteral("require_passkey")).toBool())
        return { 403,
                 errorBody(QStringLiteral("passkey_required"),
                           QStringLiteral("This credential requires a passkey; approve it in "
                                          "the browser.")),
                 {} };
    a.insert(QStringLiteral("status"),
             parts.value(3) == u"approve" ? QStringLiteral("approved") : QStringLiteral("denied"));
    a.insert(QStringLiteral("decided_by"), email);
    a.insert(QStringLiteral("decided_via"), QStringLiteral("admin"));
    a.insert(QStringLiteral("decided_at"), now());
    const QJsonObject decided = a;
    approvalsChanged();
    return { 200, decided, {} };
}

} // namespace tap::testsupport
