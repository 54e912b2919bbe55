#pragma once

#include "api/approval.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QTcpSocket;
class QTimer;

namespace tap::testsupport {

// An in-process stand-in for tapd's admin API (service/app/adminapi.cpp): an HTTP/1.1 server on
// 127.0.0.1:<port 0> that answers from canned JSON state the test can seed and inspect. It
// follows the real shapes (lists under "credentials", "agents", …; errors as
// {"error":{"code","message"}}) and the rules the console relies on, not every rule of tapd.
// GET /admin/approvals?wait=S&cursor=C is held until the approvals change or S seconds pass.
class FakeAdminApi : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QString path;
        QUrlQuery query;
        QByteArray authorization;
        QJsonObject body;
    };
    struct Account
    {
        QString password;
        QString teamName;
        QString role;
        bool verified = true;
        QString id;
    };

    explicit FakeAdminApi(QObject *parent = nullptr);
    ~FakeAdminApi() override;

    bool listen();
    QUrl url() const;

    // Accounts and sessions. The verification code is always kVerificationCode.
    static constexpr const char *kVerificationCode = "123456";
    void addAccount(const QString &email, const QString &password,
                    const QString &role = QStringLiteral("owner"), bool verified = true);
    Account account(const QString &email) const { return m_accounts.value(email); }
    bool hasAccount(const QString &email) const { return m_accounts.contains(email); }
    void expireSessions() { m_sessions.clear(); }
    // An invitation as mailed by POST /admin/members/invite; returns its token (for sign-up
    // or log-in with invite_token).
    QString addInvite(const QString &email, const QString &role = QStringLiteral("approver"));
    QString lastInviteToken() const { return m_lastInviteToken; }
    int sessionCount() const { return int(m_sessions.size()); }

    // The next request for `method path` (exact path) answers with this error instead.
    void failNext(const QByteArray &method, const QString &path, int status, const QString &code,
                  const QString &message);
    // Requests for `path` are never answered (for timeouts).
    void stall(const QString &path) { m_stalled << path; }

    // Approvals: adding or changing one wakes the long polls.
    QJsonObject addApproval(const QString &id, const QString &credential, bool canDecide = true,
                            bool requirePasskey = false);
    void setApprovalStatus(const QString &id, const QString &status);
    // Changes an approval in place (fields the card shows: deciders, new hosts, expiry…).
    void editApproval(const QString &id, const std::function<void(api::Approval &)> &edit);
    QJsonObject approval(const QString &id) const;
    int heldPolls() const { return int(m_held.size()); }

    int count(const QByteArray &method, const QString &path) const;
    QList<Request> requests;

    // Seeded state, one JSON object per row in the wire shape.
    QJsonObject team;
    QList<QJsonObject> members, invites, credentials, agents, roles, channels, links, audit;
    QHash<QString, QJsonObject> policies; // by credential name

    struct Response
    {
        int status = 200;
        QJsonObject body;
        QByteArray raw; // instead of body when set (JSON lines)
    };

private:
    struct HeldPoll
    {
        QTcpSocket *socket;
        QString status;
        QTimer *timer;
    };

    void onReadyRead(QTcpSocket *socket);
    void handle(QTcpSocket *socket, const Request &request);
    void write(QTcpSocket *socket, const Response &response);
    Response route(const Request &request, const QString &role);
    Response accountRoute(const Request &request, bool *handled);
    Response invitedSignup(const Request &request, const QString &email);
    Response login(const Request &request);
    Response teamRoute(const Request &r, const QStringList &parts);
    Response credentialRoute(const Request &r, const QStringList &parts);
    Response policyRoute(const Request &r, const QString &credential);
    Response agentRoute(const Request &r, const QStringList &parts);
    Response roleRoute(const Request &r, const QStringList &parts);
    Response channelRoute(const Request &r, const QStringList &parts);
    Response linkRoute(const Request &r, const QStringList &parts);
    Response auditRoute(const Request &r, const QStringList &parts);
    Response approvalRoute(const Request &r, const QStringList &parts, const QString &email);
    QJsonObject approvalList(const QString &status) const;
    void approvalsChanged();
    void answerHeld(QTcpSocket *socket);

    QTcpServer m_server;
    QHash<QString, Account> m_accounts;
    QHash<QString, QString> m_sessions; // token → email
    QHash<QString, QJsonObject> m_inviteTokens; // token → {email, role}
    QString m_lastInviteToken;
    QHash<QString, Response> m_failures; // "METHOD path" → error
    QStringList m_stalled;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<HeldPoll> m_held;
    QList<api::Approval> m_approvals;
    int m_approvalVersion = 1;
    int m_nextToken = 1;
    int m_nextKey = 1;
};

} // namespace tap::testsupport
