// The fixture of the admin API acceptance tests (tests/service/tst_admin_*.cpp): tapd run the
// way those tests always have (a plain environment, a clean exit required), sign-up through the
// mail outbox with every step checked, JSON helpers, raw requests and parallel requests. Builds
// on tapdharness.h.
#pragma once

#include "support/httpclient.h"
#include "support/tapdharness.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <functional>
#include <thread>
#include <vector>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

// ---------------------------------------------------------------------------------------------
// tapd as the admin API tests run it.

class AdminTapd : public Tapd
{
public:
    AdminTapd() : Tapd(false)
    {
        setPlain(true);
        setRequireCleanExit(true);
    }

    // The code of the newest verification mail whose To: line contains `address` (mailsTo).
    QString verificationCode(const QString &address) const
    {
        static const QRegularExpression re(u"Your TAP verification code is (\\d{6})\\."_s);
        return lastMatch(address, re);
    }

    QString inviteToken(const QString &address) const
    {
        static const QRegularExpression re(u"Your invitation token: (tapi_[A-Za-z0-9_-]+)"_s);
        return lastMatch(address, re);
    }

    QString outboxDir() const { return dataDir() + u"/outbox"_s; }

    // Every mail in the outbox, oldest first, as files' raw bytes.
    QList<QByteArray> allMails() const
    {
        QList<QByteArray> out;
        const QDir dir(outboxDir());
        for (const QString &name : dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name)) {
            QFile f(dir.filePath(name));
            if (f.open(QIODevice::ReadOnly))
                out << f.readAll();
        }
        return out;
    }

    // The decoded bodies of the mails with a To: line containing `address`, oldest first.
    QStringList mailsTo(const QString &address) const
    {
        QStringList out;
        for (const QByteArray &mail : allMails()) {
            const qsizetype split = mail.indexOf("\r\n\r\n");
            const QByteArray head = mail.left(split);
            bool addressed = false;
            bool qp = false;
            for (const QByteArray &line : head.split('\n')) {
                const QByteArray l = line.trimmed().toLower();
                if (l.startsWith("to:") && l.contains(address.toLower().toUtf8()))
                    addressed = true;
                if (l.startsWith("content-transfer-encoding:") && l.contains("quoted-printable"))
                    qp = true;
            }
            if (!addressed)
                continue;
            const QByteArray body = mail.mid(split + 4);
            out << (qp ? decodeQuotedPrintable(body) : QString::fromUtf8(body));
        }
        return out;
    }

    // The first capture of `re` in the newest mail to `address` that matches it.
    QString lastMatch(const QString &address, const QRegularExpression &re) const
    {
        const QStringList mails = mailsTo(address);
        for (auto it = mails.crbegin(); it != mails.crend(); ++it) {
            const auto m = re.match(*it);
            if (m.hasMatch())
                return m.captured(1);
        }
        return {};
    }
};

// ---------------------------------------------------------------------------------------------
// JSON helpers

inline QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}

inline QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// The values of `key` in an array of objects.
inline QStringList column(const QJsonValue &array, const QString &key)
{
    QStringList out;
    for (const QJsonValue &item : array.toArray())
        out << item.toObject().value(key).toString();
    return out;
}

inline QJsonObject findByKey(const QJsonValue &array, const QString &key, const QString &value)
{
    for (const QJsonValue &item : array.toArray()) {
        if (item.toObject().value(key).toString() == value)
            return item.toObject();
    }
    return {};
}

inline bool hasKeyAnywhere(const QJsonValue &v, const QString &key)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == key || hasKeyAnywhere(it.value(), key))
                return true;
        }
    } else if (v.isArray()) {
        for (const QJsonValue &item : v.toArray()) {
            if (hasKeyAnywhere(item, key))
                return true;
        }
    }
    return false;
}

inline QDateTime parseTime(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

inline HttpHeaders jsonHeaders()
{
    return { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") } };
}

// Sends `body` byte for byte (the seeds' bodies are used exactly as printed).
inline HttpResponse sendRaw(const HttpClient &c, const QByteArray &method, const QByteArray &path,
                            const QByteArray &body)
{
    return c.request(method, path, body, jsonHeaders());
}

// POST /signup with `signupBody` (raw JSON), /verify-email with the mailed code, /login.
inline void signUpRaw(const AdminTapd &tapd, const QByteArray &signupBody, const QString &email,
                      const QString &password, Account *out)
{
    const HttpClient anon = tapd.client();
    const HttpResponse signup = sendRaw(anon, "POST", "/signup", signupBody);
    EXPECT_STATUS(signup, 201);
    QCOMPARE(signup.json().value(u"email"_s).toString(), email);
    QCOMPARE(signup.json().value(u"email_verified"_s).toBool(true), false);
    const QString code = tapd.verificationCode(email);
    QVERIFY2(code.size() == 6, qPrintable(u"no verification code mailed to "_s + email));
    const HttpResponse verified =
            anon.post("/verify-email", { { u"email"_s, email }, { u"code"_s, code } });
    EXPECT_STATUS(verified, 200);
    QCOMPARE(verified.json().value(u"email_verified"_s).toBool(), true);
    const HttpResponse login =
            anon.post("/login", { { u"email"_s, email }, { u"password"_s, password } });
    EXPECT_STATUS(login, 200);
    const QJsonObject l = login.json();
    out->email = email;
    out->password = password;
    out->teamId = l.value(u"team_id"_s).toString();
    out->adminId = l.value(u"admin_id"_s).toString();
    out->token = l.value(u"session_token"_s).toString().toLatin1();
    QCOMPARE(out->teamId, signup.json().value(u"team_id"_s).toString());
    QCOMPARE(out->adminId, signup.json().value(u"admin_id"_s).toString());
    QVERIFY(out->token.startsWith("taps_"));
}

inline void signUp(const AdminTapd &tapd, const QString &team, const QString &email,
                   const QString &password, Account *out)
{
    const QJsonObject body{ { u"team_name"_s, team },
                            { u"email"_s, email },
                            { u"password"_s, password } };
    signUpRaw(tapd, QJsonDocument(body).toJson(QJsonDocument::Compact), email, password, out);
}

// Creates objects with the given bodies and expects 201 for each.
inline void createAll(const HttpClient &c, const QByteArray &path, const QList<QJsonObject> &bodies)
{
    for (const QJsonObject &body : bodies) {
        const HttpResponse r = c.post(path, body);
        if (!verifyStatus(r, 201,
                          qPrintable(u"POST "_s + QString::fromUtf8(path)
                                     + QString::fromUtf8(
                                             QJsonDocument(body).toJson(QJsonDocument::Compact))),
                          __FILE__, __LINE__))
            return;
    }
}

// One admin request: method, path (with {name} where an object name goes), JSON body.
struct Op
{
    QByteArray method;
    QByteArray path;
    QByteArray body;
};

inline HttpResponse perform(const HttpClient &c, const Op &op, const QString &name = {})
{
    QByteArray path = op.path;
    path.replace("{name}", utf8(name));
    return c.request(op.method, path, op.body, op.body.isEmpty() ? HttpHeaders() : jsonHeaders());
}

inline QString describeOp(const Op &op)
{
    return QString::fromLatin1(op.method + ' ' + op.path);
}

// GET /agent/services with an agent key: what the key opens, as the agent sees it.
inline HttpResponse agentServices(const AdminTapd &tapd, const QByteArray &apiKey)
{
    return tapd.client().get("/agent/services", { { QByteArrayLiteral("X-TAP-Key"), apiKey } });
}

// The credential names per team id of an /agent/services answer.
inline QMap<QString, QStringList> servicesByTeam(const HttpResponse &r)
{
    QMap<QString, QStringList> out;
    for (const QJsonValue &team : r.json().value(u"teams"_s).toArray())
        out.insert(team.toObject().value(u"team_id"_s).toString(),
                   sorted(column(team.toObject().value(u"credentials"_s), u"name"_s)));
    return out;
}

// Runs the requests at the same time (one thread each) and returns their answers in order.
inline std::vector<HttpResponse>
inParallel(const std::vector<std::function<HttpResponse()>> &requests)
{
    std::vector<HttpResponse> out(requests.size());
    std::vector<std::thread> threads;
    threads.reserve(requests.size());
    for (size_t i = 0; i < requests.size(); ++i)
        threads.emplace_back([&out, &requests, i] { out[i] = requests[i](); });
    for (std::thread &t : threads)
        t.join();
    return out;
}

inline QList<int> statusesOf(const std::vector<HttpResponse> &responses)
{
    QList<int> out;
    for (const HttpResponse &r : responses)
        out << r.status;
    return out;
}

} // namespace tap::test
