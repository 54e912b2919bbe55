// test: one request through POST /forward and the verdict of each step of tapd's pipeline
// (key, grant, host, rate, policy, upstream). Wire: GET /admin/credentials/{name} (exists? the
// default target), POST /admin/agents {id, description, credentials: [name]} → {api_key} for a
// temporary agent (DELETE /admin/agents/{id} afterwards, whatever happened), POST /forward with
// X-TAP-Key/-Credential/-Target/-Method, then the request's audit record (GET /admin/audit
// ?kind=forward&agent_id|credential&since, matched on request_id), whose decision and reason
// say which step refused; without a session, the error code of the answer (CONTRACT.md
// "Shapes"). A request parked for approval (202) is denied again at once. Neither the key nor
// the answer's body is printed.
#include "commands.h"
#include "forwardprobe.h"
#include "helpers.h"

#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

class Tester
{
public:
    Tester(Context &ctx, const Invocation &inv) : m_ctx(ctx), m_inv(inv) { }
    ~Tester() { removeAgent(); }
    int run();

private:
    bool readKey();
    bool checkCredential();
    bool createAgent();
    void removeAgent();
    QJsonObject auditRecord(const probe::Answer &answer);
    void cancelApproval(const probe::Answer &answer, probe::Verdicts &v);
    QJsonObject report(const probe::Answer &answer, const probe::Verdicts &v) const;
    void printHuman(const QJsonObject &o) const;

    Context &m_ctx;
    const Invocation &m_inv;
    QString m_credential;
    QString m_target;
    QString m_method;
    QByteArray m_key;
    QString m_agentId; // of the temporary agent, while it exists
    QString m_createdAgent;
    bool m_agentDeleted = false;
    QDateTime m_started;
};

bool Tester::readKey()
{
    const QString file = m_inv.value(u"agent-key-file"_s);
    bool ok = false;
    m_key = m_ctx.readSecret(m_inv, u"agent-key-file"_s, {}, &ok).trimmed().toLatin1();
    if (!ok)
        return false;
    if (!m_key.startsWith("tap_")) {
        m_ctx.error(u"%1 does not hold an agent API key (tap_…)"_s.arg(file == u"-"_s ? u"stdin"_s
                                                                                      : file));
        return false;
    }
    return true;
}

// With a session: the credential must exist in the team; its API base is the default target.
bool Tester::checkCredential()
{
    if (!m_ctx.client().hasSession()) {
        if (m_target.isEmpty())
            m_ctx.error(u"no target: pass --target URL (or log in, to default to the "
                        "credential's API base)"_s);
        return !m_target.isEmpty();
    }
    const Context::Reply r = m_ctx.get(u"/admin/credentials/"_s + seg(m_credential));
    if (r.status == 404) {
        m_ctx.error(
                u"no credential named \"%1\" in this team ('tap credential list' shows them)"_s.arg(
                        m_credential));
        return false;
    }
    if (!r.ok()) {
        m_ctx.fail(r);
        return false;
    }
    if (m_target.isEmpty())
        m_target = r.body.value(u"relative_target"_s).toBool()
                ? u"/"_s
                : r.body.value(u"api_base"_s).toString();
    if (m_target.isEmpty()) {
        m_ctx.error(
                u"the credential \"%1\" has no API base: pass --target URL"_s.arg(m_credential));
        return false;
    }
    return true;
}

bool Tester::createAgent()
{
    const QString id =
            u"tap-test-%1"_s.arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    const Context::Reply r = m_ctx.post(
            u"/admin/agents"_s,
            { { u"id"_s, id },
              { u"description"_s, u"temporary agent of 'tap test' (deleted when it ends)"_s },
              { u"credentials"_s, QJsonArray{ m_credential } } });
    if (!r.ok()) {
        m_ctx.fail(r);
        return false;
    }
    m_agentId = m_createdAgent = id;
    m_key = r.body.value(u"api_key"_s).toString().toLatin1();
    return true;
}

void Tester::removeAgent()
{
    if (m_agentId.isEmpty())
        return;
    const QString id = std::exchange(m_agentId, {});
    const Context::Reply r = m_ctx.remove(u"/admin/agents/"_s + seg(id));
    m_agentDeleted = r.ok() || r.status == 404;
    if (!m_agentDeleted)
        m_ctx.error(
                u"could not delete the temporary agent %1 (%2): run 'tap agent delete %1'"_s.arg(
                        id, r.errorMessage().simplified()));
}

// The audit record of the request (written before tapd answers; a few tries for a loaded
// database all the same). Empty without a session or when not found.
QJsonObject Tester::auditRecord(const probe::Answer &answer)
{
    if (!m_ctx.client().hasSession() || answer.requestId.isEmpty())
        return {};
    QUrlQuery q;
    q.addQueryItem(u"kind"_s, u"forward"_s);
    q.addQueryItem(u"limit"_s, u"1000"_s);
    if (!m_createdAgent.isEmpty()) {
        q.addQueryItem(u"agent_id"_s, m_createdAgent);
    } else {
        q.addQueryItem(u"credential"_s, m_credential);
        q.addQueryItem(u"since"_s, m_started.addSecs(-120).toString(Qt::ISODate));
    }
    for (int attempt = 0; attempt < 10; ++attempt) {
        const Context::Reply r = m_ctx.get(u"/admin/audit"_s, q);
        if (!r.ok())
            return {};
        for (const QJsonValue &v : r.body.value(u"items"_s).toArray()) {
            if (v[u"request_id"_s].toString().toLatin1() == answer.requestId)
                return v.toObject();
        }
        QThread::msleep(300);
    }
    return {};
}

void Tester::cancelApproval(const probe::Answer &answer, probe::Verdicts &v)
{
    v.approvalId = answer.body.value(u"txn_id"_s).toString();
    if (!m_ctx.client().hasSession() || v.approvalId.isEmpty())
        return;
    const Context::Reply r =
            m_ctx.post(u"/admin/approvals/%1/deny"_s.arg(seg(v.approvalId)),
                       { { u"reason"_s, u"test request of 'tap test', cancelled"_s } });
    v.approvalCancelled = r.ok();
}

QJsonObject Tester::report(const probe::Answer &answer, const probe::Verdicts &v) const
{
    QJsonObject o{ { u"credential"_s, m_credential },
                   { u"target"_s, m_target },
                   { u"method"_s, m_method },
                   { u"request_id"_s, QString::fromLatin1(answer.requestId) },
                   { u"http_status"_s, answer.status },
                   { u"outcome"_s, v.outcome },
                   { u"refused_at"_s, v.refusedAt.isEmpty() ? QJsonValue() : v.refusedAt },
                   { u"upstream_status"_s, v.upstreamStatus > 0 ? v.upstreamStatus : QJsonValue() },
                   { u"steps"_s, probe::steps(v) } };
    if (!v.errorCode.isEmpty())
        o.insert(u"error"_s,
                 QJsonObject{ { u"code"_s, v.errorCode }, { u"message"_s, v.errorMessage } });
    if (!v.approvalId.isEmpty())
        o.insert(u"approval"_s,
                 QJsonObject{ { u"txn_id"_s, v.approvalId },
                              { u"cancelled"_s, v.approvalCancelled } });
    o.insert(u"agent"_s,
             m_createdAgent.isEmpty() ? QJsonObject{ { u"temporary"_s, false } }
                                      : QJsonObject{ { u"id"_s, m_createdAgent },
                                                     { u"temporary"_s, true },
                                                     { u"deleted"_s, m_agentDeleted } });
    return o;
}

void Tester::printHuman(const QJsonObject &o) const
{
    const QString who = m_createdAgent.isEmpty() ? u"the given agent key"_s
                                                 : u"a temporary agent (%1)"_s.arg(m_createdAgent);
    m_ctx.print(u"tap test %1: %2 %3 with %4"_s.arg(m_credential, m_method, m_target, who));
    for (const QJsonValue &s : o.value(u"steps"_s).toArray()) {
        QString line =
                u"  "_s + s[u"step"_s].toString().leftJustified(10) + s[u"verdict"_s].toString();
        if (const QString detail = s[u"detail"_s].toString(); !detail.isEmpty())
            line += u"  "_s + detail;
        m_ctx.print(line);
    }
    m_ctx.print(probe::summary(o));
}

int Tester::run()
{
    m_credential = m_inv.positionals.at(0);
    m_target = m_inv.value(u"target"_s);
    m_method = m_inv.value(u"method"_s, u"GET"_s).toUpper();
    static const QRegularExpression token(u"^[A-Z]{1,20}$"_s);
    if (!token.match(m_method).hasMatch())
        return m_ctx.usage(u"--method must be an HTTP method such as GET or POST"_s);
    const bool givenKey = m_inv.has(u"agent-key-file"_s);
    if (!givenKey && !m_ctx.requireSession())
        return kError;
    if ((givenKey && !readKey()) || !checkCredential() || (!givenKey && !createAgent()))
        return kError;
    m_started = QDateTime::currentDateTimeUtc();
    const probe::Answer answer =
            probe::forward(m_ctx.url(), m_key, m_credential, m_target, m_method.toLatin1());
    m_key.fill('\0');
    if (answer.interrupted) {
        removeAgent();
        return m_ctx.error(
                u"interrupted; nothing was reported"_s
                + (m_agentDeleted ? u" (the temporary agent was deleted)"_s : QString()));
    }
    if (answer.status == 0) {
        removeAgent();
        return m_ctx.error(
                u"cannot reach the TAP server at %1 (%2)"_s.arg(m_ctx.url(), answer.networkError));
    }
    probe::Verdicts v = probe::classify(answer, auditRecord(answer));
    if (v.outcome == u"approval_required"_s)
        cancelApproval(answer, v);
    removeAgent();
    const QJsonObject o = report(answer, v);
    if (m_ctx.json())
        m_ctx.printJson(o);
    else
        printHuman(o);
    if (v.outcome != u"refused"_s)
        return kOk;
    return m_ctx.error(u"the request was refused at the %1 step"_s.arg(v.refusedAt));
}

int test(Context &ctx, const Invocation &inv)
{
    return Tester(ctx, inv).run();
}

} // namespace

QList<Command> testCommands()
{
    return {
        { u"test"_s,
          {},
          u"one request through /forward, and the verdict of each step"_s,
          { u"CREDENTIAL"_s },
          { { u"target"_s, u"URL"_s, u"where to send it (default: the credential's API base)"_s },
            { u"method"_s, u"METHOD"_s, u"the HTTP method (default GET)"_s },
            { u"agent-key-file"_s, u"PATH"_s,
              u"use this agent's key ('-' = stdin) instead of a temporary agent"_s } },
          u"Without --agent-key-file, a temporary agent holding only CREDENTIAL is created and "
          "deleted afterwards. Steps: key, grant, host, rate, policy, upstream. A request that "
          "needs approval is reported and denied at once (exit 0). Exit 1 when tapd refused "
          "the request or the upstream could not be reached. Secrets and the answer's body are "
          "never printed.\n"
          "example: tap test github --target https://api.github.com/user"_s,
          test },
    };
}

} // namespace tap::cli
