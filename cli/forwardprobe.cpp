#include "forwardprobe.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QSocketNotifier>
#include <QUrl>

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace tap::cli::probe {

using namespace Qt::StringLiterals;

namespace {

constexpr int kForwardTimeoutMs = 120000; // tapd's upstream timeout is 30 s by default

// tapd's error shape {"error": {"code", "message"}} with a code tapd's /forward uses; an
// upstream's own JSON error is not mistaken for tapd's.
QJsonObject tapdError(const QJsonObject &body)
{
    static const QSet<QString> codes{
        u"invalid_request"_s,    u"unauthorized"_s,       u"forbidden"_s,
        u"rate_limited"_s,       u"payload_too_large"_s,  u"credential_not_allowed"_s,
        u"team_not_linked"_s,    u"target_not_allowed"_s, u"placeholder_not_allowed"_s,
        u"unknown_tap_header"_s, u"upstream_error"_s,     u"upstream_timeout"_s,
        u"unavailable"_s,        u"internal"_s,
    };
    const QJsonObject e = body.value(u"error"_s).toObject();
    if (body.size() != 1 || e.size() != 2 || !codes.contains(e.value(u"code"_s).toString()))
        return {};
    return e;
}

bool isApproval(const Answer &a, const QJsonObject &audit)
{
    const QString decision = audit.value(u"decision"_s).toString();
    if (decision == u"auto"_s || decision == u"approved"_s || decision == u"rejected"_s)
        return false; // an upstream's own 202
    if (audit.value(u"detail"_s).toObject().value(u"approval"_s).toString() == u"pending"_s)
        return true;
    return a.status == 202 && a.body.value(u"status"_s).toString() == u"pending"_s
            && a.body.value(u"txn_id"_s).isString();
}

// Ctrl-C (or SIGTERM) while the request is out: the signal only writes to a pipe, and the
// event loop aborts the request, so that the caller still deletes its temporary agent.
int g_signalPipe[2] = { -1, -1 };

extern "C" void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

class Interruptible
{
public:
    explicit Interruptible(QNetworkReply *reply)
    {
        if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
            return;
        struct sigaction sa = {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, &m_oldInt);
        ::sigaction(SIGTERM, &sa, &m_oldTerm);
        m_notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, reply, [this, reply] {
            m_interrupted = true;
            reply->abort();
        });
    }
    ~Interruptible()
    {
        if (!m_notifier)
            return;
        m_notifier.reset();
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
        ::close(g_signalPipe[0]);
        ::close(g_signalPipe[1]);
    }
    Q_DISABLE_COPY_MOVE(Interruptible)
    bool interrupted() const { return m_interrupted; }

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
    struct sigaction m_oldInt = {};
    struct sigaction m_oldTerm = {};
    bool m_interrupted = false;
};

} // namespace

Answer forward(const QString &baseUrl, const QByteArray &key, const QString &credential,
               const QString &target, const QByteArray &method)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(baseUrl + u"/forward"_s));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(kForwardTimeoutMs);
    request.setRawHeader("X-TAP-Key", key);
    request.setRawHeader("X-TAP-Credential", credential.toUtf8());
    request.setRawHeader("X-TAP-Target", target.toUtf8());
    request.setRawHeader("X-TAP-Method", method);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
    QNetworkReply *reply = network.post(request, QByteArray());
    Interruptible interruptible(reply);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Answer a;
    a.interrupted = interruptible.interrupted();
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.requestId = reply->rawHeader("X-TAP-Request-Id");
    if (reply->isOpen())
        a.body = QJsonDocument::fromJson(reply->read(1 << 20)).object();
    if (a.status == 0)
        a.networkError = reply->errorString();
    delete reply;
    return a;
}

const QStringList &stepNames()
{
    static const QStringList names{ u"key"_s,  u"grant"_s,  u"host"_s,
                                    u"rate"_s, u"policy"_s, u"upstream"_s };
    return names;
}

QString stepOf(const QString &code, const QString &message)
{
    if (code == u"unauthenticated"_s || code == u"unauthorized"_s || code == u"agent_disabled"_s
        || code == u"forbidden"_s)
        return u"key"_s;
    if (code == u"credential_not_allowed"_s
        || (code == u"invalid_request"_s && message.contains(u"no value"_s)))
        return u"grant"_s;
    if (code == u"target_not_allowed"_s || code == u"no_target"_s || code == u"invalid_request"_s)
        return u"host"_s;
    if (code == u"rate_limited"_s)
        return u"rate"_s;
    if (code == u"approval_denied"_s || code == u"approval_expired"_s)
        return u"policy"_s;
    if (code.startsWith(u"upstream_"_s))
        return u"upstream"_s;
    return u"request"_s;
}

Verdicts classify(const Answer &a, const QJsonObject &audit)
{
    Verdicts v;
    const QString decision = audit.value(u"decision"_s).toString();
    if (isApproval(a, audit)) {
        v.outcome = u"approval_required"_s;
        v.policyReason = audit.value(u"reason"_s).toString();
        return v;
    }
    const QJsonObject error = tapdError(a.body);
    QString code;
    if (decision == u"rejected"_s)
        code = audit.value(u"reason"_s).toString();
    else if (audit.isEmpty())
        code = error.value(u"code"_s).toString();
    if (code.isEmpty()) {
        v.outcome = u"forwarded"_s;
        v.policyReason = audit.value(u"reason"_s).toString();
        const int recorded = audit.value(u"upstream_status"_s).toInt();
        v.upstreamStatus = recorded > 0 ? recorded : a.status;
        return v;
    }
    v.outcome = u"refused"_s;
    v.errorCode = error.isEmpty() ? code : error.value(u"code"_s).toString();
    v.errorMessage = error.value(u"message"_s).toString();
    v.refusedAt = stepOf(code, v.errorMessage);
    return v;
}

QJsonArray steps(const Verdicts &v)
{
    QJsonArray out;
    bool reached = true;
    for (const QString &name : stepNames()) {
        QJsonObject s{ { u"step"_s, name } };
        if (!reached) {
            s.insert(u"verdict"_s, u"not reached"_s);
        } else if (v.outcome == u"refused"_s && v.refusedAt == name) {
            s.insert(u"verdict"_s, u"refused"_s);
            s.insert(u"detail"_s, u"%1 (%2)"_s.arg(v.errorMessage, v.errorCode).trimmed());
            reached = false;
        } else if (v.outcome == u"refused"_s && v.refusedAt == u"request"_s) {
            s.insert(u"verdict"_s, u"unknown"_s);
        } else if (v.outcome == u"approval_required"_s
                   && name == (v.policyReason == u"new_host"_s ? u"host"_s : u"policy"_s)) {
            // A host outside allowed_hosts waits for a person whatever the policy says.
            s.insert(u"verdict"_s, u"approval required"_s);
            const QString pending = v.approvalCancelled ? u"the test request was denied at once"_s
                                                        : u"left pending as "_s + v.approvalId;
            s.insert(u"detail"_s,
                     name == u"host"_s ? QString(u"a new host for this credential; "_s + pending)
                                       : pending);
            reached = false;
        } else if (name == u"upstream"_s) {
            s.insert(u"verdict"_s, QString::number(v.upstreamStatus));
        } else {
            s.insert(u"verdict"_s, u"ok"_s);
            if (name == u"policy"_s && !v.policyReason.isEmpty())
                s.insert(u"detail"_s, v.policyReason);
        }
        out.append(s);
    }
    return out;
}

QString summary(const QJsonObject &o)
{
    const QString outcome = o.value(u"outcome"_s).toString();
    const QString id = o.value(u"request_id"_s).toString();
    QString text;
    if (outcome == u"forwarded"_s) {
        const int status = o.value(u"upstream_status"_s).toInt();
        text = u"Forwarded: the upstream answered HTTP %1 (request %2)."_s.arg(status).arg(id);
        if (status == 401 || status == 403)
            text += u" The upstream refused the credential: check its value ('tap credential "
                    "set-value %1') and the API it is meant for."_s.arg(
                            o.value(u"credential"_s).toString());
    } else if (outcome == u"approval_required"_s) {
        const QJsonObject a = o.value(u"approval"_s).toObject();
        text = a.value(u"cancelled"_s).toBool()
                ? u"Approval required: the policy holds this request for a person; the test "
                  "request was denied at once (nothing was sent upstream)."_s
                : u"Approval required: the request waits as %1; deny it with 'tap approval "
                  "deny %1'."_s.arg(a.value(u"txn_id"_s).toString());
    } else {
        const QJsonObject e = o.value(u"error"_s).toObject();
        text = u"Refused at the %1 step: %2 (%3; request %4)."_s.arg(
                o.value(u"refused_at"_s).toString(), e.value(u"message"_s).toString(),
                e.value(u"code"_s).toString(), id);
    }
    const QJsonObject agent = o.value(u"agent"_s).toObject();
    if (agent.value(u"temporary"_s).toBool() && agent.value(u"deleted"_s).toBool())
        text += u" The temporary agent %1 was deleted."_s.arg(agent.value(u"id"_s).toString());
    return text;
}

} // namespace tap::cli::probe
