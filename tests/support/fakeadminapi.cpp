#include "support/fakeadminapi.h"
#include "support/fakeadminapi_p.h"

#include "api/account.h"
#include "api/keys.h"
#include "api/member.h"
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
    // As GET /admin/team answers it, less your_role (the console keeps the role of the log-in).
    team = { { api::key::kId, QStringLiteral("team-1") },
             { api::key::kName, QStringLiteral("my-team") },
             { api::key::kCreatedAt, now() } };
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
                      { password, str(team, api::key::kName), role, verified,
                        QStringLiteral("user-%1").arg(m_accounts.size() + 1) });
    members.append(api::Member{ m_accounts.value(email).id, email,
                                api::parseMemberRole(role).value_or(api::MemberRole::Approver),
                                verified, now() }
                           .encode());
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
    if (request.path == u"/admin/approvals" && request.query.hasQueryItem(api::key::kWait)
        && request.query.queryItemValue(api::key::kCursor) == QString::number(m_approvalVersion)) {
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, socket] { answerHeld(socket); });
        timer->start(request.query.queryItemValue(api::key::kWait).toInt() * 1000);
        m_held.append({ socket, request.query.queryItemValue(api::key::kStatus), timer });
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
    const auto fail = [](int status, const char *code, const QString &message) {
        return Response{ status, errorBody(QString::fromLatin1(code), message), {} };
    };
    const auto invalid = [&fail](const core::Error &e) {
        return fail(400, "invalid_request", e.message());
    };
    if (r.method != "POST") {
        *handled = false;
        return {};
    }
    if (r.path == u"/signup" && !str(r.body, api::key::kInviteToken).isEmpty())
        return invitedSignup(r, api::normalizedEmail(str(r.body, api::key::kEmail)));
    if (r.path == u"/signup") {
        const auto in = api::SignupInput::decode(r.body);
        if (!in)
            return invalid(in.error());
        if (m_accounts.contains(in->email))
            return fail(409, "conflict",
                        QStringLiteral("An account with this email already exists; log in "
                                       "instead."));
        team.insert(api::key::kName, in->teamName);
        addAccount(in->email, in->password, QStringLiteral("owner"), false);
        const api::SignedUp out{
            str(team, api::key::kId),
            in->teamName,
            m_accounts.value(in->email).id,
            in->email,
            false,
            QStringLiteral("A 6-digit verification code was sent to %1.").arg(in->email)
        };
        return { 201, out.encode(), {} };
    }
    if (r.path == u"/verify-email") {
        const auto in = api::VerifyEmailInput::decode(r.body);
        if (!in || !m_accounts.contains(in->email) || in->code != QLatin1String(kVerificationCode))
            return fail(400, "invalid_request",
                        QStringLiteral("The code is invalid or has expired."));
        m_accounts[in->email].verified = true;
        return { 200, api::Notice{ QStringLiteral("Email verified."), true }.encode(), {} };
    }
    if (r.path == u"/resend-verification")
        return { 200, api::Notice{ QStringLiteral("A new code is on its way.") }.encode(), {} };
    if (r.path == u"/login")
        return login(r);
    if (r.path == u"/logout") {
        m_sessions.remove(QString::fromLatin1(r.authorization.mid(7)));
        return { 200, api::LoggedOut{}.encode(), {} };
    }
    *handled = false;
    return {};
}

FakeAdminApi::Response FakeAdminApi::login(const Request &r)
{
    const auto fail = [](int status, const char *code, const QString &message) {
        return Response{ status, errorBody(QString::fromLatin1(code), message), {} };
    };
    const auto in = api::LoginInput::decode(r.body);
    if (!in)
        return fail(400, "invalid_request", in.error().message());
    const Account a = m_accounts.value(in->email);
    if (!m_accounts.contains(in->email) || a.password != in->password)
        return fail(401, "unauthorized", QStringLiteral("Invalid email or password."));
    if (!a.verified)
        return fail(403, "forbidden",
                    QStringLiteral("Verify your email address first (POST /verify-email)."));
    if (!in->inviteToken.isEmpty()) {
        if (str(m_inviteTokens.value(in->inviteToken), api::key::kEmail) != in->email)
            return fail(400, "invalid_request",
                        QStringLiteral("The invitation is invalid or has expired."));
        m_accounts[in->email].role = str(m_inviteTokens.take(in->inviteToken), api::key::kRole);
    } else if (!in->teamId.isEmpty() && in->teamId != str(team, api::key::kId)) {
        return fail(403, "forbidden", QStringLiteral("You are not a member of that team."));
    }
    const QString token = QStringLiteral("taps_fake%1").arg(m_nextToken++);
    m_sessions.insert(token, in->email);
    const api::Session session{
        token, a.id, str(team, api::key::kId),
        api::parseMemberRole(m_accounts.value(in->email).role).value_or(api::MemberRole::Approver),
        now()
    };
    return { 200, session.encode(), {} };
}

// POST /signup with an invitation: the account joins the team verified, with the invited role.
FakeAdminApi::Response FakeAdminApi::invitedSignup(const Request &r, const QString &email)
{
    const QString token = str(r.body, api::key::kInviteToken);
    const QJsonObject invite = m_inviteTokens.value(token);
    if (invite.isEmpty())
        return { 400,
                 errorBody(QStringLiteral("invalid_request"),
                           QStringLiteral("The invitation is invalid or has expired.")),
                 {} };
    if (str(invite, api::key::kEmail) != email)
        return { 403,
                 errorBody(QStringLiteral("forbidden"),
                           QStringLiteral("This invitation was sent to another address.")),
                 {} };
    const auto in = api::SignupInput::decode(r.body);
    if (!in)
        return { 400, errorBody(QStringLiteral("invalid_request"), in.error().message()), {} };
    m_inviteTokens.remove(token);
    addAccount(email, in->password, str(invite, api::key::kRole), true);
    const api::SignedUp out{ str(team, api::key::kId),
                             QString(),
                             m_accounts.value(email).id,
                             email,
                             true,
                             QStringLiteral(
                                     "Account created and invitation accepted; you can log in.") };
    return { 201, out.encode(), {} };
}

QString FakeAdminApi::addInvite(const QString &email, const QString &role)
{
    const QString token = QStringLiteral("tapi_fake%1").arg(m_inviteTokens.size() + 1);
    m_inviteTokens.insert(token, { { api::key::kEmail, email }, { api::key::kRole, role } });
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
    api::Approval a;
    a.id = id;
    a.teamId = str(team, api::key::kId);
    a.agentId = QStringLiteral("agent-") + id;
    a.agentName = QStringLiteral("Agent ") + id;
    a.agentHomeTeamId = a.teamId;
    a.credential = credential;
    a.method = QStringLiteral("POST");
    a.target = QStringLiteral("https://api.example.com/") + id;
    a.bodyPreview = QStringLiteral("{\"text\":\"hello\"}");
    a.requirePasskey = requirePasskey;
    a.canDecide = canDecide;
    a.createdAt = now();
    a.expiresAt = QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate);
    a.approvalUrl = url().toString() + QStringLiteral("/approve/") + id;
    m_approvals.append(a);
    approvalsChanged();
    return a.encode();
}

namespace {

qsizetype indexOfApproval(const QList<api::Approval> &approvals, const QString &id)
{
    for (qsizetype i = 0; i < approvals.size(); ++i) {
        if (approvals.at(i).id == id)
            return i;
    }
    return -1;
}

} // namespace

void FakeAdminApi::setApprovalStatus(const QString &id, const QString &status)
{
    const qsizetype i = indexOfApproval(m_approvals, id);
    if (i < 0)
        return;
    m_approvals[i].status = api::parseApprovalStatus(status).value_or(api::ApprovalStatus::Failed);
    approvalsChanged();
}

void FakeAdminApi::editApproval(const QString &id, const std::function<void(api::Approval &)> &edit)
{
    const qsizetype i = indexOfApproval(m_approvals, id);
    if (i < 0)
        return;
    edit(m_approvals[i]);
    approvalsChanged();
}

QJsonObject FakeAdminApi::approval(const QString &id) const
{
    const qsizetype i = indexOfApproval(m_approvals, id);
    return i < 0 ? QJsonObject() : m_approvals.at(i).encode();
}

QJsonObject FakeAdminApi::approvalList(const QString &status) const
{
    api::ApprovalList list;
    for (const api::Approval &a : m_approvals) {
        if (status.isEmpty() || status == api::key::kAll
            || api::approvalStatusName(a.status) == status)
            list.items.append(a);
    }
    list.cursor = QString::number(m_approvalVersion);
    return list.encode();
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
        return { 200, approvalList(r.query.queryItemValue(api::key::kStatus)), {} };
    const qsizetype i = indexOfApproval(m_approvals, parts.value(2));
    if (i < 0)
        return { 404,
                 errorBody(QStringLiteral("not_found"), QStringLiteral("No such approval.")),
                 {} };
    if (parts.size() == 3 && r.method == "GET")
        return { 200, m_approvals.at(i).encode(), {} };
    api::Approval &a = m_approvals[i];
    if (a.status != api::ApprovalStatus::Pending)
        return { 409,
                 errorBody(QStringLiteral("conflict"),
                           QStringLiteral("This request was already decided or has expired.")),
                 {} };
    if (!a.canDecide)
        return { 403,
                 errorBody(QStringLiteral("forbidden"),
                           QStringLiteral("You are not an allowed approver for this credential.")),
                 {} };
    // Like tapd: only approving needs the passkey page; a deny is taken here.
    const bool approve = parts.value(3) == u"approve";
    if (approve && a.requirePasskey)
        return { 403,
                 errorBody(QStringLiteral("passkey_required"),
                           QStringLiteral("This credential requires a passkey; approve it in "
                                          "the browser.")),
                 {} };
    a.status = approve ? api::ApprovalStatus::Approved : api::ApprovalStatus::Denied;
    a.decidedBy = email;
    a.decidedVia = api::approvalChannelName(api::ApprovalChannel::Admin);
    a.decidedAt = now();
    if (!approve) // tapd checks it (api::DenyInput); the fake keeps what was sent
        a.decisionReason = r.body.value(QLatin1String("reason")).toString();
    const QJsonObject decided = a.encode();
    approvalsChanged();
    return { 200, decided, {} };
}

} // namespace tap::testsupport
