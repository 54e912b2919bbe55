// Helpers of the approval tests (tst_approvals, tst_approvals_agents): parking a /forward that
// needs a human, and the agent's poll of it. Builds on tapdharness.h.
#pragma once

#include "support/httpclient.h"
#include "support/tapdharness.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QThread>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

// How long a test waits for an approval to reach its final state (a loaded machine, ASan).
inline constexpr int kSettleMs = 20000;

inline const QByteArray kParkedBody = "{\"text\":\"hello\"}";

struct Parked
{
    QByteArray txn;
    QByteArray requestId;
    QJsonObject body; // the 202's
};

// A /forward that needs approval; the 202's shape is checked. The agent sends its own
// Authorization header, which tapd replaces and approvers never see; `extra` adds headers.
inline Parked park(quint16 port, const QByteArray &key, const QByteArray &credential,
                   const QByteArray &target, const QByteArray &method = "POST",
                   const QByteArray &body = kParkedBody, const HttpHeaders &extra = {})
{
    HttpHeaders headers{ { "Content-Type", "application/json" },
                         { "Authorization", "Bearer agent-own" } };
    headers += extra;
    Parked p;
    const HttpResponse r = forward(port, Call(key, credential, target, method, headers, body));
    if (!verifyForward(r, 202, QString(), "park", __FILE__, __LINE__))
        return p;
    p.body = r.json();
    p.txn = p.body.value(u"txn_id"_s).toString().toLatin1();
    p.requestId = r.header("X-TAP-Request-Id");
    return p;
}

// GET /agent/approvals/{txn} with the agent's key.
inline HttpResponse pollResponse(quint16 port, const QByteArray &key, const QByteArray &txn)
{
    HttpClient c(port);
    c.setTimeoutMs(kRequestTimeoutMs);
    return c.request("GET", "/agent/approvals/" + txn, {}, { { "X-TAP-Key", key } });
}

inline QJsonObject poll(quint16 port, const QByteArray &key, const QByteArray &txn,
                        int *status = nullptr)
{
    const HttpResponse r = pollResponse(port, key, txn);
    if (status)
        *status = r.status;
    return r.json();
}

// Polls until the state is final (or kSettleMs are up); returns the last answer.
inline QJsonObject pollUntilFinal(quint16 port, const QByteArray &key, const QByteArray &txn,
                                  qint64 *elapsedMs = nullptr)
{
    QElapsedTimer t;
    t.start();
    QJsonObject last;
    while (t.elapsed() < kSettleMs) {
        last = poll(port, key, txn);
        const QString s = last.value(u"status"_s).toString();
        if (s != u"pending"_s && !s.isEmpty())
            break;
        QThread::msleep(5);
    }
    if (elapsedMs)
        *elapsedMs = t.elapsed();
    return last;
}

// The final status pollUntilFinal() reaches.
inline QString finalStatus(quint16 port, const QByteArray &key, const QByteArray &txn)
{
    return pollUntilFinal(port, key, txn).value(u"status"_s).toString();
}

// POST /admin/credentials for the fake upstream (127.0.0.1), no policy: everything needs
// approval.
inline bool addApiCredential(const HttpClient &admin, const QString &name, const QString &value,
                             const QString &description = u"test API"_s)
{
    return verifyStatus(admin.post("/admin/credentials",
                                   { { u"name"_s, name },
                                     { u"description"_s, description },
                                     { u"value"_s, value },
                                     { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } }),
                        201, qPrintable(u"POST /admin/credentials "_s + name), __FILE__, __LINE__);
}

} // namespace tap::test
