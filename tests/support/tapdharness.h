// The tapd process harness of the service end-to-end tests: a tapd (TAPD_BINARY) with its own
// data directory on the backend of the current global test row, the fake upstream
// (fake_upstream.py), sign-up through the mail outbox, admin set-up helpers, agent calls, and
// assertions usable inside helpers (they record the failure and return false).
#pragma once

#include "support/httpclient.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <functional>
#include <memory>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

inline constexpr int kRequestTimeoutMs = 60000; // generous: a loaded 2-core machine, ASan builds

// ---------------------------------------------------------------------------------------------
// Assertions usable in helpers: they record the failure and return false.

inline bool verifyStatus(const HttpResponse &r, int expected, const char *what, const char *file,
                         int line)
{
    if (r.status == expected)
        return true;
    QTest::qFail(qPrintable(u"%1: expected HTTP %2, got %3"_s.arg(QString::fromLatin1(what))
                                    .arg(expected)
                                    .arg(r.describe())),
                 file, line);
    return false;
}

// The error shape (api/errors.h): {"error": {"code": "snake_case", "message": "plain sentence"}}.
inline bool verifyError(const HttpResponse &r, int status, const QString &code, const char *what,
                        const char *file, int line)
{
    if (!verifyStatus(r, status, what, file, line))
        return false;
    const QString prefix = QString::fromLatin1(what) + u": "_s;
    const QJsonObject o = r.json();
    const QJsonObject e = o.value(u"error"_s).toObject();
    if (!r.header("Content-Type").startsWith("application/json")
        || o.keys() != QStringList{ u"error"_s }
        || e.keys() != QStringList({ u"code"_s, u"message"_s })
        || e.value(u"message"_s).toString().isEmpty()) {
        QTest::qFail(qPrintable(prefix + u"not the error shape: "_s + r.describe()), file, line);
        return false;
    }
    if (e.value(u"code"_s).toString() != code) {
        QTest::qFail(
                qPrintable(prefix + u"expected error code %1, got %2"_s.arg(code, r.describe())),
                file, line);
        return false;
    }
    return true;
}

// A /forward answer: status, error code (when given) and an X-TAP-Request-Id (README "The data
// plane": every /forward answer carries one).
inline bool verifyForward(const HttpResponse &r, int status, const QString &code, const char *what,
                          const char *file, int line)
{
    if (code.isEmpty() ? !verifyStatus(r, status, what, file, line)
                       : !verifyError(r, status, code, what, file, line))
        return false;
    const QByteArray id = r.header("X-TAP-Request-Id");
    if (QUuid::fromString(QString::fromLatin1(id)).isNull()) {
        QTest::qFail(qPrintable(QString::fromLatin1(what) + u": no X-TAP-Request-Id (got \""_s
                                + QString::fromLatin1(id) + u"\")"_s),
                     file, line);
        return false;
    }
    return true;
}

#define EXPECT_STATUS(r, s)                              \
  do {                                                   \
    if (!verifyStatus((r), (s), #r, __FILE__, __LINE__)) \
      return;                                            \
  } while (false)

#define EXPECT_ERROR(r, s, c)                                \
  do {                                                       \
    if (!verifyError((r), (s), (c), #r, __FILE__, __LINE__)) \
      return;                                                \
  } while (false)

#define EXPECT_FWD(r, s, c)                                    \
  do {                                                         \
    if (!verifyForward((r), (s), (c), #r, __FILE__, __LINE__)) \
      return;                                                  \
  } while (false)

#define RETURN_IF_FAILED()          \
  do {                              \
    if (QTest::currentTestFailed()) \
      return;                       \
  } while (false)

inline QByteArray utf8(const QString &s)
{
    return s.toUtf8();
}

inline QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

inline QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

inline QString decodeQuotedPrintable(const QByteArray &in)
{
    QByteArray out;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (c != '=' || i + 2 >= in.size()) {
            out += c;
            continue;
        }
        const QByteArray next = in.mid(i + 1, 2);
        if (next != "\r\n") // "=\r\n" is a soft line break
            out += QByteArray::fromHex(next);
        i += 2;
    }
    return QString::fromUtf8(out);
}

// ---------------------------------------------------------------------------------------------
// The fake upstream process.

// Starts the Python fake `script` with `--port 0` in `process` (stderr to `logFile`) and waits
// up to 30 s for its "PORT n" line: the port, or 0 when it did not start.
inline quint16 startPythonFake(QProcess &process, const QString &script, const QString &logFile)
{
    process.setStandardErrorFile(logFile);
    // Debian's interpreter is the one with python3-brotli, whatever is first on PATH.
    const QString python =
            QFile::exists(u"/usr/bin/python3"_s) ? u"/usr/bin/python3"_s : u"python3"_s;
    process.start(python, { script, u"--port"_s, u"0"_s });
    QElapsedTimer t;
    t.start();
    QByteArray out;
    static const QRegularExpression port(u"^PORT (\\d+)"_s);
    while (t.elapsed() < 30000 && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
        const auto m = port.match(text(out));
        if (m.hasMatch())
            return quint16(m.captured(1).toUInt());
    }
    return 0;
}

class Upstream
{
public:
    ~Upstream() { stop(); }

    // `scriptName`: another fake of tests/support (e.g. "fake_oauth1_upstream.py") speaking
    // the same control protocol (/__log, /__count).
    bool start(const QString &scriptName = {})
    {
        QString script = scriptName.isEmpty()
                ? qEnvironmentVariable("TAP_FAKE_UPSTREAM")
                : QStringLiteral(TAP_TEST_SUPPORT_DIR "/") + scriptName;
        if (script.isEmpty())
            script = QStringLiteral(TAP_TEST_SUPPORT_DIR "/fake_upstream.py");
        if (!QFileInfo::exists(script)) {
            QTest::qFail(qPrintable(u"fake upstream not found at "_s + script), __FILE__, __LINE__);
            return false;
        }
        m_port = startPythonFake(m_process, script, m_dir.path() + u"/upstream.log"_s);
        if (m_port == 0)
            QTest::qFail("the fake upstream did not start", __FILE__, __LINE__);
        return m_port != 0;
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    quint16 port() const { return m_port; }
    QByteArray base() const { return "http://127.0.0.1:" + QByteArray::number(m_port); }
    QByteArray url(const QByteArray &pathAndQuery) const { return base() + pathAndQuery; }

    // Requests the upstream has received so far (control endpoints excluded).
    int count() const
    {
        HttpClient c(m_port);
        return c.get("/__count").json().value(u"count"_s).toInt(-1);
    }
    QJsonArray since(int index) const
    {
        HttpClient c(m_port);
        c.setTimeoutMs(kRequestTimeoutMs);
        return c.get("/__log?since=" + QByteArray::number(index))
                .json()
                .value(u"requests"_s)
                .toArray();
    }
    bool hasBrotli() const
    {
        HttpClient c(m_port);
        return c.get("/__caps").json().value(u"brotli"_s).toBool();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

// The values of the header `name` in an upstream log entry.
inline QList<QByteArray> headerValues(const QJsonObject &entry, QByteArrayView name)
{
    QList<QByteArray> out;
    for (const QJsonValue &h : entry.value(u"headers"_s).toArray()) {
        const QJsonArray pair = h.toArray();
        if (QByteArrayView(pair.at(0).toString().toLatin1()).compare(name, Qt::CaseInsensitive)
            == 0)
            out << pair.at(1).toString().toLatin1();
    }
    return out;
}

inline QByteArray headerValue(const QJsonObject &entry, QByteArrayView name)
{
    const QList<QByteArray> values = headerValues(entry, name);
    return values.isEmpty() ? QByteArray() : values.first();
}

inline QStringList headerNames(const QJsonObject &entry)
{
    QStringList out;
    for (const QJsonValue &h : entry.value(u"headers"_s).toArray())
        out << h.toArray().at(0).toString();
    return out;
}

// ---------------------------------------------------------------------------------------------
// A tapd process with its own data directory, on the backend of the current global row.

class Tapd
{
public:
    explicit Tapd(bool allowPrivateTargets = true, QProcessEnvironment extraEnv = {})
        : m_allowPrivate(allowPrivateTargets), m_extraEnv(std::move(extraEnv))
    {
    }
    ~Tapd()
    {
        if (m_requireCleanExit && m_port != 0) {
            const int code = stop();
            if (code != 0 && !QTest::currentTestFailed())
                QTest::qFail(qPrintable(u"tapd exited with %1: %2"_s.arg(code).arg(
                                     text(log().right(4000)))),
                             __FILE__, __LINE__);
        }
        stop();
    }
    Q_DISABLE_COPY_MOVE(Tapd)

    // Options, set before start().
    // Plain: tapd's environment is the caller's (minus TAP_*) and the extra environment only
    // (no TAP_ALLOW_PRIVATE_TARGETS, TAP_AUDIT_FILE or TAP_FORWARD_TIMEOUT_S), and its clients
    // keep HttpClient's default timeout.
    void setPlain(bool plain) { m_plain = plain; }
    // TAP_ALLOW_PRIVATE_TARGETS=1 (the default) or unset.
    void setAllowPrivateTargets(bool allow) { m_allowPrivate = allow; }
    void setExtraEnvironment(QProcessEnvironment env) { m_extraEnv = std::move(env); }
    // The destructor records a failure unless tapd exits with 0 (sanitizer leak reports make
    // the exit code non-zero).
    void setRequireCleanExit(bool require) { m_requireCleanExit = require; }
    // Every exchange of a client() is also passed to the observer.
    void setObserver(std::function<void(const HttpResponse &)> observer)
    {
        m_observer = std::move(observer);
    }

    // The first start: a new database (SQLite in the data directory, or a new PostgreSQL
    // database); records a failure (or a skip without PostgreSQL) and returns false otherwise.
    bool start()
    {
        if (tap::test::currentIsPostgres()) {
            m_pg = tap::test::freshDatabase();
            if (!m_pg)
                return false;
            m_databaseUrl = tap::test::lastDatabaseUrl();
        }
        return launch();
    }

    // Starts again on the same data directory and database (after stop() or kill9()).
    bool restart() { return launch(); }

    // A second tapd process on `first`'s database and master key (PostgreSQL rows: two
    // processes sharing one server; SQLite rows: one file used by two processes).
    bool startSharing(const Tapd &first)
    {
        QDir().mkpath(dataDir());
        QFile::setPermissions(dataDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        if (!QFile::copy(first.dataDir() + u"/master.key"_s, dataDir() + u"/master.key"_s)) {
            QTest::qFail("cannot copy the master key", __FILE__, __LINE__);
            return false;
        }
        m_databaseUrl = first.m_databaseUrl.isEmpty()
                ? u"sqlite:"_s + first.dataDir() + u"/tap.db"_s
                : first.m_databaseUrl;
        return launch();
    }

    void kill9()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process.processId()), SIGKILL);
        m_process.waitForFinished(10000);
    }

    int stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(20000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
            return -1;
        }
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    // Peak resident memory of the tapd process so far (VmHWM), in KiB; -1 if unknown.
    qint64 peakRssKiB() const
    {
        static const QRegularExpression re(u"VmHWM:\\s+(\\d+) kB"_s);
        const auto m = re.match(text(readAll(u"/proc/%1/status"_s.arg(pid()))));
        return m.hasMatch() ? m.captured(1).toLongLong() : -1;
    }
    // Resets the peak (VmHWM) to the current resident size ("5" > clear_refs, Linux 4.0+);
    // returns that size in KiB, or -1 when the kernel refused.
    qint64 resetPeakRss() const
    {
        QFile f(u"/proc/%1/clear_refs"_s.arg(pid()));
        if (!f.open(QIODevice::WriteOnly) || f.write("5") != 1)
            return -1;
        f.close();
        return peakRssKiB();
    }
    QString dataDir() const { return m_dir.path() + u"/data"_s; }
    QString logPath() const { return m_dir.path() + u"/tapd.log"_s; }
    QString auditPath() const { return m_dir.path() + u"/audit.jsonl"_s; }
    QByteArray log() const { return readAll(logPath()); }
    QByteArray auditFile() const { return readAll(auditPath()); }
    HttpClient client(const QByteArray &token = {}) const
    {
        HttpClient c(m_port);
        if (!m_plain)
            c.setTimeoutMs(kRequestTimeoutMs);
        c.setBearerToken(token);
        if (m_observer)
            c.setObserver(m_observer);
        return c;
    }

    QString verificationCode(const QString &address) const
    {
        static const QRegularExpression re(u"Your TAP verification code is (\\d{6})\\."_s);
        const QDir dir(dataDir() + u"/outbox"_s);
        QString code;
        for (const QString &name : dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name)) {
            const QByteArray mail = readAll(dir.filePath(name));
            const qsizetype split = mail.indexOf("\r\n\r\n");
            const QByteArray head = mail.left(split).toLower();
            const QByteArray to = address.toLower().toUtf8();
            if (!head.contains(QByteArray("to: " + to))
                && !head.contains(QByteArray('<' + to + '>')))
                continue;
            const QByteArray body = mail.mid(split + 4);
            const QString decoded =
                    head.contains("quoted-printable") ? decodeQuotedPrintable(body) : text(body);
            const auto m = re.match(decoded);
            if (m.hasMatch())
                code = m.captured(1);
        }
        return code;
    }

    bool isPostgres() const { return m_pg != nullptr; }
    tap::store::Database *postgres() const { return m_pg.get(); }

private:
    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    bool launch()
    {
        const QString binary = qEnvironmentVariable("TAPD_BINARY");
        if (binary.isEmpty() || !QFileInfo(binary).isExecutable()) {
            QTest::qFail("TAPD_BINARY must point at the tapd binary", __FILE__, __LINE__);
            return false;
        }
        QStringList args{ u"--data-dir"_s,  dataDir(),      u"--listen"_s,
                          u"127.0.0.1:0"_s, u"--workers"_s, u"2"_s };
        if (!m_databaseUrl.isEmpty())
            args << u"--database"_s << m_databaseUrl;
        // Hermetic: no TAP_* setting of the caller's environment reaches tapd.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys()) {
            if (key.startsWith(u"TAP_"_s))
                env.remove(key);
        }
        if (m_allowPrivate && !m_plain)
            env.insert(u"TAP_ALLOW_PRIVATE_TARGETS"_s, u"1"_s);
        if (!m_plain) {
            env.insert(u"TAP_AUDIT_FILE"_s, auditPath());
            env.insert(u"TAP_FORWARD_TIMEOUT_S"_s, u"30"_s);
        }
        // Tests sign up many teams from 127.0.0.1; a test of the sign-up throttle sets its own.
        env.insert(u"TAP_SIGNUPS_PER_HOUR"_s, u"100000"_s);
        for (const QString &key : m_extraEnv.keys())
            env.insert(key, m_extraEnv.value(key));
        m_process.setProcessEnvironment(env);
        // The log goes to a file (a full stderr pipe would block tapd), appended across restarts.
        m_process.setStandardErrorFile(logPath(), QIODevice::Append);
        m_process.start(binary, args);
        if (!m_process.waitForStarted(10000)) {
            QTest::qFail("tapd did not start", __FILE__, __LINE__);
            return false;
        }
        static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
        QElapsedTimer timer;
        timer.start();
        QByteArray out;
        while (timer.elapsed() < 60000) {
            out += m_process.readAllStandardOutput();
            const auto m = listening.match(text(out));
            if (m.hasMatch()) {
                m_port = quint16(m.captured(1).toUInt());
                return true;
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
        }
        QTest::qFail(qPrintable(u"tapd did not start listening: "_s + text(log().right(2000))),
                     __FILE__, __LINE__);
        return false;
    }

    bool m_allowPrivate;
    QProcessEnvironment m_extraEnv;
    QTemporaryDir m_dir;
    QProcess m_process;
    std::shared_ptr<tap::store::Database> m_pg;
    QString m_databaseUrl;
    quint16 m_port = 0;
    bool m_plain = false;
    bool m_requireCleanExit = false;
    std::function<void(const HttpResponse &)> m_observer;
};

// SIGTERM: tapd stops with exit code 0, and its log holds no sanitizer report (for ASan/UBSan
// builds: the test process itself is not where tapd's memory errors show).
inline bool verifyCleanStop(Tapd &tapd, const char *file, int line)
{
    const int code = tapd.stop();
    const QByteArray log = tapd.log();
    for (const char *needle : { "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                "runtime error:", "WARNING: ThreadSanitizer" }) {
        const qsizetype at = log.indexOf(needle);
        if (at >= 0) {
            QTest::qFail(
                    qPrintable(u"sanitizer report in tapd's log: "_s + text(log.mid(at, 3000))),
                    file, line);
            return false;
        }
    }
    if (code != 0) {
        QTest::qFail(
                qPrintable(u"tapd exited with %1 on SIGTERM: "_s.arg(code) + text(log.right(2000))),
                file, line);
        return false;
    }
    return true;
}

#define EXPECT_CLEAN_STOP(tapd)                       \
  do {                                                \
    if (!verifyCleanStop((tapd), __FILE__, __LINE__)) \
      return;                                         \
  } while (false)

// ---------------------------------------------------------------------------------------------
// Admin API set-up.

// A signed-up, verified and logged-in team owner.
struct Account
{
    QString email;
    QString teamId;
    QByteArray token;
    QString password; // filled by the admin fixture's signUp (adminfixture.h)
    QString adminId; // likewise
};

inline Account signUp(const Tapd &tapd, const QString &team, const QString &email)
{
    const QString password = u"pw-"_s + team + u"-long-enough"_s;
    const HttpClient anon = tapd.client();
    Account a;
    const HttpResponse signup = anon.post(
            "/signup",
            { { u"team_name"_s, team }, { u"email"_s, email }, { u"password"_s, password } });
    if (!verifyStatus(signup, 201, "POST /signup", __FILE__, __LINE__))
        return a;
    const QString code = tapd.verificationCode(email);
    if (code.size() != 6) {
        QTest::qFail(qPrintable(u"no verification code mailed to "_s + email), __FILE__, __LINE__);
        return a;
    }
    if (!verifyStatus(anon.post("/verify-email", { { u"email"_s, email }, { u"code"_s, code } }),
                      200, "POST /verify-email", __FILE__, __LINE__))
        return a;
    const HttpResponse login =
            anon.post("/login", { { u"email"_s, email }, { u"password"_s, password } });
    if (!verifyStatus(login, 200, "POST /login", __FILE__, __LINE__))
        return a;
    a.email = email;
    a.teamId = login.json().value(u"team_id"_s).toString();
    a.token = login.json().value(u"session_token"_s).toString().toLatin1();
    return a;
}

// Everything one tapd (per backend) has been given, for the sweeps.

// POST /admin/agents; returns the API key (empty and a recorded failure otherwise).
inline QByteArray addAgent(const HttpClient &admin, const QString &id,
                           const QStringList &credentials, const QStringList &roles = {},
                           int ratePerHour = 0)
{
    QJsonObject body{ { u"id"_s, id },
                      { u"credentials"_s, strings(credentials) },
                      { u"roles"_s, strings(roles) } };
    if (ratePerHour > 0)
        body.insert(u"rate_limit_per_hour"_s, ratePerHour);
    const HttpResponse r = admin.post("/admin/agents", body);
    if (!verifyStatus(r, 201, qPrintable(u"POST /admin/agents "_s + id), __FILE__, __LINE__))
        return {};
    return r.json().value(u"api_key"_s).toString().toLatin1();
}

inline bool addRole(const HttpClient &admin, const QString &name, const QStringList &credentials,
                    int ratePerHour = 0)
{
    QJsonObject body{ { u"name"_s, name }, { u"credentials"_s, strings(credentials) } };
    if (ratePerHour > 0)
        body.insert(u"rate_limit_per_hour"_s, ratePerHour);
    return verifyStatus(admin.post("/admin/roles", body), 201,
                        qPrintable(u"POST /admin/roles "_s + name), __FILE__, __LINE__);
}

inline bool setPolicy(const HttpClient &admin, const QString &credential, const QJsonObject &policy)
{
    return verifyStatus(admin.put("/admin/policies/" + utf8(credential), policy), 200,
                        qPrintable(u"PUT /admin/policies/"_s + credential), __FILE__, __LINE__);
}

inline bool autoApprove(const HttpClient &admin, const QString &credential)
{
    return setPolicy(
            admin, credential,
            { { u"auto_approve_methods"_s,
                strings({ u"GET"_s, u"HEAD"_s, u"POST"_s, u"PUT"_s, u"PATCH"_s, u"DELETE"_s }) } });
}

// Every audit record of the caller's team matching `query`, all pages.
inline QList<QJsonObject> auditItems(const HttpClient &admin,
                                     const QByteArray &query = "kind=forward")
{
    QList<QJsonObject> out;
    QByteArray cursor;
    for (int page = 0; page < 100; ++page) {
        const HttpResponse r = admin.get("/admin/audit?limit=1000&" + query
                                         + (cursor.isEmpty() ? QByteArray() : "&cursor=" + cursor));
        if (!verifyStatus(r, 200, "GET /admin/audit", __FILE__, __LINE__))
            return out;
        for (const QJsonValue &v : r.json().value(u"items"_s).toArray())
            out << v.toObject();
        const QJsonValue next = r.json().value(u"next_cursor"_s);
        if (!next.isString())
            break;
        cursor = next.toString().toLatin1();
    }
    return out;
}

inline QList<QJsonObject> withRequestId(const QList<QJsonObject> &items,
                                        const QByteArray &requestId)
{
    QList<QJsonObject> out;
    for (const QJsonObject &o : items) {
        if (o.value(u"request_id"_s).toString().toLatin1() == requestId)
            out << o;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Agent requests.

struct Call
{
    Call(QByteArray k, QByteArray c, QByteArray t, QByteArray m = "GET", HttpHeaders h = {},
         QByteArray b = {})
        : key(std::move(k)),
          credential(std::move(c)),
          target(std::move(t)),
          method(std::move(m)),
          headers(std::move(h)),
          body(std::move(b))
    {
    }
    QByteArray key;
    QByteArray credential;
    QByteArray target;
    QByteArray method; // X-TAP-Method; empty: not sent
    HttpHeaders headers;
    QByteArray body;
};

inline HttpResponse forward(quint16 port, const Call &call)
{
    HttpHeaders h;
    if (!call.key.isEmpty())
        h.append({ "X-TAP-Key", call.key });
    if (!call.credential.isEmpty())
        h.append({ "X-TAP-Credential", call.credential });
    if (!call.target.isEmpty())
        h.append({ "X-TAP-Target", call.target });
    if (!call.method.isEmpty())
        h.append({ "X-TAP-Method", call.method });
    h += call.headers;
    HttpClient c(port);
    c.setTimeoutMs(kRequestTimeoutMs);
    return c.request("POST", "/forward", call.body, h);
}

// "Name: value" lines (a table-friendly header list).

} // namespace tap::test
