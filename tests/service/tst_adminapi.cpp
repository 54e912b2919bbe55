// HTTP-level acceptance tests of tapd's admin API: the seeds configuration.txt and
// multi-account.txt step by step, validation rules, sessions, the approver role, team
// isolation, and a sweep for leaked secrets. Every test runs against a real tapd binary
// (TAPD_BINARY) on both backends (global rows "sqlite" and "postgres").
#include "support/httpclient.h"
#include "support/testdatabases.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using tap::test::HttpClient;
using tap::test::HttpHeaders;
using tap::test::HttpResponse;

namespace {

// ---------------------------------------------------------------------------------------------
// Assertions that also work in helpers: they record the failure and return false; the macros
// return from the calling (void) function.

bool verifyStatus(const HttpResponse &r, int expected, const char *what, const char *file, int line)
{
    if (r.status == expected)
        return true;
    QTest::qFail(qPrintable(u"%1: expected HTTP %2, got %3"_s.arg(QString::fromLatin1(what))
                                    .arg(expected)
                                    .arg(r.describe())),
                 file, line);
    return false;
}

// The contract's error shape: {"error": {"code": "...", "message": "..."}} and nothing else.
bool verifyError(const HttpResponse &r, int status, const QString &code, const char *what,
                 const char *file, int line)
{
    if (!verifyStatus(r, status, what, file, line))
        return false;
    const QString prefix = QString::fromLatin1(what) + u": "_s;
    if (!r.header("Content-Type").startsWith("application/json")) {
        QTest::qFail(qPrintable(prefix + u"error without a JSON content type"_s), file, line);
        return false;
    }
    const QJsonObject o = r.json();
    const QJsonObject e = o.value(u"error"_s).toObject();
    if (!r.isJsonObject() || o.keys() != QStringList{ u"error"_s }
        || e.keys() != QStringList({ u"code"_s, u"message"_s }) || !e.value(u"code"_s).isString()
        || !e.value(u"message"_s).isString() || e.value(u"message"_s).toString().isEmpty()) {
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

#define RETURN_IF_FAILED()          \
  do {                              \
    if (QTest::currentTestFailed()) \
      return;                       \
  } while (false)

// ---------------------------------------------------------------------------------------------
// JSON helpers

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// The values of `key` in an array of objects.
QStringList column(const QJsonValue &array, const QString &key)
{
    QStringList out;
    for (const QJsonValue &item : array.toArray())
        out << item.toObject().value(key).toString();
    return out;
}

QJsonObject findByKey(const QJsonValue &array, const QString &key, const QString &value)
{
    for (const QJsonValue &item : array.toArray()) {
        if (item.toObject().value(key).toString() == value)
            return item.toObject();
    }
    return {};
}

bool hasKeyAnywhere(const QJsonValue &v, const QString &key)
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

QByteArray utf8(const QString &s)
{
    return s.toUtf8();
}

QDateTime parseTime(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

HttpHeaders jsonHeaders()
{
    return { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") } };
}

// Sends `body` byte for byte (the seeds' bodies are used exactly as printed).
HttpResponse sendRaw(const HttpClient &c, const QByteArray &method, const QByteArray &path,
                     const QByteArray &body)
{
    return c.request(method, path, body, jsonHeaders());
}

QString decodeQuotedPrintable(const QByteArray &in)
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
// A tapd process with its own data directory, on the backend of the current global row.

class Tapd
{
public:
    Tapd() = default;
    // A clean exit is part of every test (under the sanitizers a leak report makes it non-zero).
    ~Tapd()
    {
        if (m_port == 0)
            return;
        const int code = stop();
        if (code != 0 && !QTest::currentTestFailed())
            QTest::qFail(qPrintable(u"tapd exited with %1: %2"_s.arg(code).arg(
                                 QString::fromUtf8(log().right(4000)))),
                         __FILE__, __LINE__);
    }
    Q_DISABLE_COPY_MOVE(Tapd)

    // Starts tapd and waits for its "listening on" line. On failure it records a test failure
    // (or a skip when PostgreSQL is not configured and not required) and returns false.
    bool start(const QProcessEnvironment &extraEnv = {})
    {
        const QString binary = qEnvironmentVariable("TAPD_BINARY");
        if (binary.isEmpty() || !QFileInfo(binary).isExecutable()) {
            QTest::qFail("TAPD_BINARY must point at the tapd binary", __FILE__, __LINE__);
            return false;
        }
        if (!m_dir.isValid()) {
            QTest::qFail("no temporary directory", __FILE__, __LINE__);
            return false;
        }
        QStringList args{ u"--data-dir"_s,  dataDir(),      u"--listen"_s,
                          u"127.0.0.1:0"_s, u"--workers"_s, u"2"_s };
        if (tap::test::currentIsPostgres()) {
            m_pg = tap::test::freshDatabase(); // a new database on TAP_TEST_PG_URL's server
            if (!m_pg)
                return false; // skip or failure recorded
            args << u"--database"_s << tap::test::lastDatabaseUrl();
        }
        // Hermetic: no TAP_* setting of the caller's environment reaches tapd.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys()) {
            if (key.startsWith(u"TAP_"_s))
                env.remove(key);
        }
        for (const QString &key : extraEnv.keys())
            env.insert(key, extraEnv.value(key));
        m_process.setProcessEnvironment(env);
        // The log goes to a file: a full stderr pipe would block tapd while the test waits on
        // a socket.
        m_process.setStandardErrorFile(logPath());
        m_process.start(binary, args);
        if (!m_process.waitForStarted(10000)) {
            QTest::qFail("tapd did not start", __FILE__, __LINE__);
            return false;
        }
        static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
        QElapsedTimer timer;
        timer.start();
        QByteArray out;
        while (timer.elapsed() < 30000) {
            out += m_process.readAllStandardOutput();
            const auto m = listening.match(QString::fromUtf8(out));
            if (m.hasMatch()) {
                m_port = quint16(m.captured(1).toUInt());
                return true;
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
        }
        QTest::qFail(qPrintable(u"tapd did not start listening: "_s + QString::fromUtf8(log())),
                     __FILE__, __LINE__);
        return false;
    }

    // SIGTERM and wait; returns tapd's exit code (-1 if it had to be killed).
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
    QString dataDir() const { return m_dir.path() + u"/data"_s; }
    QString outboxDir() const { return dataDir() + u"/outbox"_s; }
    QString logPath() const { return m_dir.path() + u"/tapd.log"_s; }
    bool isPostgres() const { return m_pg != nullptr; }
    tap::store::Database *postgres() const { return m_pg.get(); }

    // tapd's whole stderr so far (JSON lines).
    QByteArray log() const
    {
        QFile f(logPath());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // A client for this tapd acting with `token` (none: anonymous). Every exchange is also
    // passed to the observer, if one is set.
    HttpClient client(const QByteArray &token = {}) const
    {
        HttpClient c(m_port);
        c.setBearerToken(token);
        if (m_observer)
            c.setObserver(m_observer);
        return c;
    }
    void setObserver(std::function<void(const HttpResponse &)> observer)
    {
        m_observer = std::move(observer);
    }

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

    // The decoded bodies of the mails to `address`, oldest first.
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

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    std::shared_ptr<tap::store::Database> m_pg;
    quint16 m_port = 0;
    std::function<void(const HttpResponse &)> m_observer;
};

// A signed-up, verified and logged-in member.
struct Account
{
    QString email;
    QString password;
    QString teamId;
    QString adminId;
    QByteArray token;
};

// POST /signup with `signupBody` (raw JSON), /verify-email with the mailed code, /login.
void signUpRaw(const Tapd &tapd, const QByteArray &signupBody, const QString &email,
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

void signUp(const Tapd &tapd, const QString &team, const QString &email, const QString &password,
            Account *out)
{
    const QJsonObject body{ { u"team_name"_s, team },
                            { u"email"_s, email },
                            { u"password"_s, password } };
    signUpRaw(tapd, QJsonDocument(body).toJson(QJsonDocument::Compact), email, password, out);
}

// Creates objects with the given bodies and expects 201 for each.
void createAll(const HttpClient &c, const QByteArray &path, const QList<QJsonObject> &bodies)
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

HttpResponse perform(const HttpClient &c, const Op &op, const QString &name = {})
{
    QByteArray path = op.path;
    path.replace("{name}", utf8(name));
    return c.request(op.method, path, op.body, op.body.isEmpty() ? HttpHeaders() : jsonHeaders());
}

QString describeOp(const Op &op)
{
    return QString::fromLatin1(op.method + ' ' + op.path);
}

// GET /agent/services with an agent key: what the key opens, as the agent sees it.
HttpResponse agentServices(const Tapd &tapd, const QByteArray &apiKey)
{
    return tapd.client().get("/agent/services", { { QByteArrayLiteral("X-TAP-Key"), apiKey } });
}

// The credential names per team id of an /agent/services answer.
QMap<QString, QStringList> servicesByTeam(const HttpResponse &r)
{
    QMap<QString, QStringList> out;
    for (const QJsonValue &team : r.json().value(u"teams"_s).toArray())
        out.insert(team.toObject().value(u"team_id"_s).toString(),
                   sorted(column(team.toObject().value(u"credentials"_s), u"name"_s)));
    return out;
}

// Runs the requests at the same time (one thread each) and returns their answers in order.
std::vector<HttpResponse> inParallel(const std::vector<std::function<HttpResponse()>> &requests)
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

QList<int> statusesOf(const std::vector<HttpResponse> &responses)
{
    QList<int> out;
    for (const HttpResponse &r : responses)
        out << r.status;
    return out;
}

// Fixture shared by the rows of a data-driven test (one tapd per test function and backend).
struct ValidationFixture
{
    Tapd tapd;
    Account owner;
    Account other;
};

} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT

private:
    void seedConfiguration(const Tapd &tapd);
    void seedMultiAccount(const Tapd &tapd);
    ValidationFixture *validationFixture();
    void runScenario(ValidationFixture &f, const QString &scenario);

    std::unique_ptr<ValidationFixture> m_fixture;
    QString m_fixtureBackend;

private slots:
    void initTestCase_data() { tap::test::addBackendRows(); }
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("TAPD_BINARY")).isExecutable(),
                 "TAPD_BINARY must point at tapd");
    }
    void init()
    {
        if (qstrcmp(QTest::currentTestFunction(), "validation") != 0)
            m_fixture.reset(); // one fixture per test function
    }
    void cleanupTestCase() { m_fixture.reset(); }

    void seedFlow();
    void validation_data();
    void validation();
    void sessions();
    void parallelLoginGuesses();
    void concurrentOwnerChanges();
    void approverRole();
    void isolation();
    void noSecretLeaks();
};

// ---------------------------------------------------------------------------------------------
// 1. The seeds, curl example by curl example.

void TestAdminApi::seedFlow()
{
    Tapd tapd;
    if (!tapd.start())
        return;
    seedConfiguration(tapd);
    RETURN_IF_FAILED();
    seedMultiAccount(tapd);
}

void TestAdminApi::seedConfiguration(const Tapd &tapd)
{
    const HttpClient anon = tapd.client();

    // Sign Up
    const HttpResponse signup = sendRaw(anon, "POST", "/signup", R"({
    "team_name": "my-team",
    "email": "admin@example.com",
    "password": "your-password"
  })");
    EXPECT_STATUS(signup, 201);
    const QString teamId = signup.json().value(u"team_id"_s).toString();
    const QString adminId = signup.json().value(u"admin_id"_s).toString();
    QVERIFY(!teamId.isEmpty());
    QVERIFY(!adminId.isEmpty());
    QCOMPARE(signup.json().value(u"team_name"_s).toString(), u"my-team"_s);
    QVERIFY(!signup.body.contains("your-password"));

    // Verify Email: the seed's example code is (almost surely) not the mailed one.
    const QString code = tapd.verificationCode(u"admin@example.com"_s);
    QVERIFY2(code.size() == 6, "the outbox has no verification code for admin@example.com");
    if (code != u"123456"_s) {
        const HttpResponse wrong = sendRaw(anon, "POST", "/verify-email",
                                           R"({"email": "admin@example.com", "code": "123456"})");
        EXPECT_ERROR(wrong, 400, u"invalid_request"_s);
    }
    const HttpResponse verify =
            sendRaw(anon, "POST", "/verify-email",
                    R"({"email": "admin@example.com", "code": ")" + utf8(code) + R"("})");
    EXPECT_STATUS(verify, 200);

    // Log In: a 24 h session.
    const HttpResponse login =
            sendRaw(anon, "POST", "/login",
                    R"({"email": "admin@example.com", "password": "your-password"})");
    EXPECT_STATUS(login, 200);
    const QJsonObject l = login.json();
    const QByteArray token = l.value(u"session_token"_s).toString().toLatin1();
    QVERIFY2(token.startsWith("taps_"), login.body.constData());
    QCOMPARE(l.value(u"admin_id"_s).toString(), adminId);
    QCOMPARE(l.value(u"team_id"_s).toString(), teamId);
    const QDateTime expires = parseTime(l.value(u"expires_at"_s));
    QVERIFY2(expires.isValid(), login.body.constData());
    const qint64 ahead = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(qAbs(ahead - 24 * 3600) < 300, qPrintable(u"expires_at is %1 s ahead"_s.arg(ahead)));
    QCOMPARE(login.header("Cache-Control"), QByteArray("no-store"));

    const HttpClient admin = tapd.client(token);

    // Create a Credential
    const HttpResponse slack = sendRaw(admin, "POST", "/admin/credentials", R"({
    "name": "slack",
    "description": "Slack Bot Token",
    "connector": "direct",
    "api_base": "https://slack.com/api",
    "value": "xoxb-your-slack-token"
  })");
    EXPECT_STATUS(slack, 201);
    QVERIFY(!slack.body.contains("xoxb-your-slack-token"));
    QVERIFY(!hasKeyAnywhere(slack.json(), u"value"_s));
    QCOMPARE(slack.json().value(u"has_value"_s).toBool(), true);

    // List Credentials: metadata only, never the value.
    {
        const HttpResponse list = admin.get("/admin/credentials");
        EXPECT_STATUS(list, 200);
        QCOMPARE(list.header("Cache-Control"), QByteArray("no-store"));
        const QJsonArray creds = list.json().value(u"credentials"_s).toArray();
        QCOMPARE(creds.size(), 1);
        const QJsonObject c = creds.first().toObject();
        QCOMPARE(c.value(u"name"_s).toString(), u"slack"_s);
        QCOMPARE(c.value(u"description"_s).toString(), u"Slack Bot Token"_s);
        QCOMPARE(c.value(u"connector"_s).toString(), u"direct"_s);
        QCOMPARE(c.value(u"api_base"_s).toString(), u"https://slack.com/api"_s);
        QCOMPARE(c.value(u"relative_target"_s), QJsonValue(false));
        QCOMPARE(c.value(u"has_value"_s), QJsonValue(true));
        QVERIFY(!hasKeyAnywhere(list.json(), u"value"_s));
        QVERIFY(!list.body.contains("xoxb-your-slack-token"));
        const HttpResponse one = admin.get("/admin/credentials/slack");
        EXPECT_STATUS(one, 200);
        QVERIFY(!hasKeyAnywhere(one.json(), u"value"_s));
        QVERIFY(!one.body.contains("xoxb-your-slack-token"));
    }

    // The role and the agent of the seed name github and twitter too.
    const HttpResponse github = sendRaw(admin, "POST", "/admin/credentials",
                                        R"({"name": "github", "description": "GitHub token",
                                            "api_base": "https://api.github.com",
                                            "value": "ghp-example-token"})");
    EXPECT_STATUS(github, 201);

    // Create a Role
    const HttpResponse reader = sendRaw(admin, "POST", "/admin/roles", R"({
    "name": "reader",
    "description": "Read-only API access",
    "credentials": ["slack", "github"],
    "rate_limit_per_hour": 50
  })");
    EXPECT_STATUS(reader, 201);
    {
        const HttpResponse roles = admin.get("/admin/roles");
        EXPECT_STATUS(roles, 200);
        const QJsonObject r = findByKey(roles.json().value(u"roles"_s), u"name"_s, u"reader"_s);
        QCOMPARE(r.value(u"description"_s).toString(), u"Read-only API access"_s);
        QCOMPARE(sorted(stringList(r.value(u"credentials"_s))),
                 QStringList({ u"github"_s, u"slack"_s }));
        QCOMPARE(r.value(u"rate_limit_per_hour"_s).toInt(), 50);
    }

    const HttpResponse twitter = sendRaw(admin, "POST", "/admin/credentials",
                                         R"({"name": "twitter", "description": "Twitter API",
                                             "value": "twitter-bearer-token"})");
    EXPECT_STATUS(twitter, 201);

    // Create an Agent: the key is shown once.
    const HttpResponse agent = sendRaw(admin, "POST", "/admin/agents", R"({
    "id": "social-agent",
    "description": "Posts to Slack and Twitter",
    "credentials": ["slack", "twitter"],
    "roles": ["reader"],
    "rate_limit_per_hour": 100
  })");
    EXPECT_STATUS(agent, 201);
    const QJsonObject a = agent.json();
    QCOMPARE(sorted(a.keys()), QStringList({ u"api_key"_s, u"id"_s, u"message"_s }));
    QCOMPARE(a.value(u"id"_s).toString(), u"social-agent"_s);
    const QByteArray apiKey = a.value(u"api_key"_s).toString().toLatin1();
    QVERIFY2(apiKey.startsWith("tap_") && apiKey.size() > 20, agent.body.constData());
    QCOMPARE(a.value(u"message"_s).toString(),
             u"Save this API key \u2014 it will not be shown again."_s);

    // List Agents: never the key.
    {
        const HttpResponse list = admin.get("/admin/agents");
        EXPECT_STATUS(list, 200);
        QCOMPARE(column(list.json().value(u"agents"_s), u"id"_s), QStringList{ u"social-agent"_s });
        QVERIFY(!list.body.contains(apiKey));
        QVERIFY(!hasKeyAnywhere(list.json(), u"api_key"_s));
    }

    // Get Agent Details: the effective set is the union of direct and role credentials.
    {
        const HttpResponse details = admin.get("/admin/agents/social-agent");
        EXPECT_STATUS(details, 200);
        const QJsonObject d = details.json();
        QCOMPARE(d.value(u"id"_s).toString(), u"social-agent"_s);
        QCOMPARE(d.value(u"description"_s).toString(), u"Posts to Slack and Twitter"_s);
        QCOMPARE(d.value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(d.value(u"rate_limit_per_hour"_s).toInt(), 100);
        QCOMPARE(stringList(d.value(u"effective_credentials"_s)),
                 QStringList({ u"github"_s, u"slack"_s, u"twitter"_s }));
        QVERIFY(!details.body.contains(apiKey));
        // The key opens exactly that set.
        const HttpResponse services = agentServices(tapd, apiKey);
        EXPECT_STATUS(services, 200);
        QCOMPARE(servicesByTeam(services).value(teamId),
                 QStringList({ u"github"_s, u"slack"_s, u"twitter"_s }));
    }

    // Enable / Disable an Agent
    {
        const HttpResponse disabled = admin.post("/admin/agents/social-agent/disable");
        EXPECT_STATUS(disabled, 200);
        QCOMPARE(disabled.json().value(u"enabled"_s), QJsonValue(false));
        QCOMPARE(admin.get("/admin/agents/social-agent").json().value(u"enabled"_s),
                 QJsonValue(false));
        // "Disable (blocks all requests)": at once.
        const HttpResponse blocked = tapd.client().request(
                "POST", "/forward", {},
                { { QByteArrayLiteral("X-TAP-Key"), apiKey },
                  { QByteArrayLiteral("X-TAP-Credential"), QByteArrayLiteral("slack") },
                  { QByteArrayLiteral("X-TAP-Target"),
                    QByteArrayLiteral("https://slack.com/api/conversations.list") },
                  { QByteArrayLiteral("X-TAP-Method"), QByteArrayLiteral("GET") } });
        EXPECT_ERROR(blocked, 403, u"forbidden"_s);
        const HttpResponse enabled = admin.post("/admin/agents/social-agent/enable");
        EXPECT_STATUS(enabled, 200);
        QCOMPARE(enabled.json().value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(admin.get("/admin/agents/social-agent").json().value(u"enabled"_s),
                 QJsonValue(true));
        EXPECT_STATUS(agentServices(tapd, apiKey), 200);
    }

    // Set a Policy, Get a Policy
    {
        const HttpResponse put = sendRaw(admin, "PUT", "/admin/policies/slack", R"({
    "auto_approve_methods": ["GET"],
    "require_approval_methods": ["POST", "PUT", "DELETE"],
    "auto_approve_urls": ["/conversations.list", "/users.list"],
    "allowed_approvers": ["123456789"],
    "telegram_chat_id": "-100123456"
  })");
        EXPECT_STATUS(put, 200);
        const HttpResponse got = admin.get("/admin/policies/slack");
        EXPECT_STATUS(got, 200);
        const QJsonObject p = got.json();
        QCOMPARE(p.value(u"configured"_s), QJsonValue(true));
        QCOMPARE(stringList(p.value(u"auto_approve_methods"_s)), QStringList{ u"GET"_s });
        QCOMPARE(stringList(p.value(u"require_approval_methods"_s)),
                 QStringList({ u"POST"_s, u"PUT"_s, u"DELETE"_s }));
        QCOMPARE(stringList(p.value(u"auto_approve_urls"_s)),
                 QStringList({ u"/conversations.list"_s, u"/users.list"_s }));
        QCOMPARE(stringList(p.value(u"allowed_approvers"_s)), QStringList{ u"123456789"_s });
        QCOMPARE(p.value(u"telegram_chat_id"_s).toString(), u"-100123456"_s);
    }

    // "If a credential has no policy configured, all requests require approval."
    {
        const HttpResponse none = admin.get("/admin/policies/github");
        EXPECT_STATUS(none, 200);
        const QJsonObject p = none.json();
        QCOMPARE(p.value(u"configured"_s), QJsonValue(false));
        QVERIFY2(p.value(u"message"_s).toString().contains(u"requires approval"_s),
                 none.body.constData());
        QVERIFY(p.value(u"auto_approve_methods"_s).toArray().isEmpty());
        QVERIFY(p.value(u"auto_approve_urls"_s).toArray().isEmpty());
    }

    // Team Info
    {
        const HttpResponse team = admin.get("/admin/team");
        EXPECT_STATUS(team, 200);
        const QJsonObject t = team.json();
        QCOMPARE(t.value(u"id"_s).toString(), teamId);
        QCOMPARE(t.value(u"name"_s).toString(), u"my-team"_s);
        const QDateTime created = parseTime(t.value(u"created_at"_s));
        QVERIFY2(created.isValid(), team.body.constData());
        QVERIFY(qAbs(created.secsTo(QDateTime::currentDateTimeUtc())) < 600);
    }

    // Notification Channels: the bot token is write-only.
    {
        const HttpResponse created = sendRaw(admin, "POST", "/admin/notification-channels", R"({
    "name": "ops-channel",
    "channel_type": "telegram",
    "config": {"chat_id": "-100123456", "bot_token": "optional-override"}
  })");
        EXPECT_STATUS(created, 201);
        QVERIFY(!created.body.contains("optional-override"));
        const HttpResponse list = admin.get("/admin/notification-channels");
        EXPECT_STATUS(list, 200);
        QVERIFY(!list.body.contains("optional-override"));
        QVERIFY(!hasKeyAnywhere(list.json(), u"bot_token"_s));
        const QJsonObject ch =
                findByKey(list.json().value(u"channels"_s), u"name"_s, u"ops-channel"_s);
        QCOMPARE(ch.value(u"channel_type"_s).toString(), u"telegram"_s);
        QCOMPARE(ch.value(u"config"_s).toObject().value(u"chat_id"_s).toString(), u"-100123456"_s);
        QCOMPARE(ch.value(u"has_bot_token"_s), QJsonValue(true));
        EXPECT_STATUS(admin.del("/admin/notification-channels/ops-channel"), 200);
        QVERIFY(admin.get("/admin/notification-channels")
                        .json()
                        .value(u"channels"_s)
                        .toArray()
                        .isEmpty());
        EXPECT_ERROR(admin.del("/admin/notification-channels/ops-channel"), 404, u"not_found"_s);
    }

    // Delete a Role: it leaves the agents that had it.
    EXPECT_STATUS(admin.del("/admin/roles/reader"), 200);
    {
        const QJsonObject d = admin.get("/admin/agents/social-agent").json();
        QVERIFY(d.value(u"roles"_s).toArray().isEmpty());
        QCOMPARE(stringList(d.value(u"effective_credentials"_s)),
                 QStringList({ u"slack"_s, u"twitter"_s }));
    }

    // Delete an Agent: its key is dead at once.
    EXPECT_STATUS(admin.del("/admin/agents/social-agent"), 200);
    EXPECT_ERROR(admin.get("/admin/agents/social-agent"), 404, u"not_found"_s);
    EXPECT_ERROR(agentServices(tapd, apiKey), 401, u"unauthorized"_s);

    // Delete a Credential: cascades to roles, agent assignments and policies, and says so.
    createAll(admin, "/admin/roles",
              { { { u"name"_s, u"cascade-role"_s },
                  { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(admin, "/admin/agents",
              { { { u"id"_s, u"cascade-agent"_s },
                  { u"credentials"_s, QJsonArray{ u"slack"_s, u"twitter"_s } } } });
    RETURN_IF_FAILED();
    {
        const HttpResponse removed = admin.del("/admin/credentials/slack");
        EXPECT_STATUS(removed, 200);
        const QJsonObject from = removed.json().value(u"removed_from"_s).toObject();
        QCOMPARE(stringList(from.value(u"roles"_s)), QStringList{ u"cascade-role"_s });
        QCOMPARE(stringList(from.value(u"agents"_s)), QStringList{ u"cascade-agent"_s });
        QCOMPARE(from.value(u"policy"_s), QJsonValue(true));
        EXPECT_ERROR(admin.get("/admin/credentials/slack"), 404, u"not_found"_s);
        EXPECT_ERROR(admin.get("/admin/policies/slack"), 404, u"not_found"_s);
        const QJsonObject agentNow = admin.get("/admin/agents/cascade-agent").json();
        QCOMPARE(stringList(agentNow.value(u"credentials"_s)), QStringList{ u"twitter"_s });
        QCOMPARE(stringList(agentNow.value(u"effective_credentials"_s)),
                 QStringList{ u"twitter"_s });
        QVERIFY(admin.get("/admin/roles/cascade-role")
                        .json()
                        .value(u"credentials"_s)
                        .toArray()
                        .isEmpty());
        QCOMPARE(column(admin.get("/admin/credentials").json().value(u"credentials"_s), u"name"_s),
                 QStringList({ u"github"_s, u"twitter"_s }));
    }

    // Log Out: the token is dead.
    const HttpResponse logout = admin.request("POST", "/logout");
    EXPECT_STATUS(logout, 200);
    EXPECT_ERROR(admin.get("/admin/team"), 401, u"unauthorized"_s);
    EXPECT_ERROR(admin.get("/admin/credentials"), 401, u"unauthorized"_s);
    EXPECT_ERROR(admin.request("POST", "/logout"), 401, u"unauthorized"_s);
}

void TestAdminApi::seedMultiAccount(const Tapd &tapd)
{
    // 1. Developer creates a personal team and agent
    Account alice;
    signUpRaw(
            tapd,
            R"({"team_name": "alice-personal", "email": "alice@example.com", "password": "password123"})",
            u"alice@example.com"_s, u"password123"_s, &alice);
    RETURN_IF_FAILED();
    const HttpClient aliceApi = tapd.client(alice.token);
    createAll(aliceApi, "/admin/credentials",
              { { { u"name"_s, u"openai"_s },
                  { u"description"_s, u"Alice's OpenAI key"_s },
                  { u"api_base"_s, u"https://api.openai.com"_s },
                  { u"value"_s, u"sk-alice"_s } },
                { { u"name"_s, u"github"_s },
                  { u"description"_s, u"Alice's GitHub token"_s },
                  { u"value"_s, u"ghp-alice"_s } } });
    RETURN_IF_FAILED();
    const HttpResponse agent = sendRaw(aliceApi, "POST", "/admin/agents", R"({
"id": "alice-agent",
"description": "Alice personal agent",
"credentials": ["openai", "github"]
})");
    EXPECT_STATUS(agent, 201);
    const QByteArray agentKey = agent.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(agentKey.startsWith("tap_"));
    QCOMPARE(stringList(aliceApi.get("/admin/agents/alice-agent")
                                .json()
                                .value(u"effective_credentials"_s)),
             QStringList({ u"github"_s, u"openai"_s }));

    // 2. Company admin creates company team and credentials
    Account company;
    signUp(tapd, u"company"_s, u"admin@company.example"_s, u"company-password"_s, &company);
    RETURN_IF_FAILED();
    QVERIFY(company.teamId != alice.teamId);
    const HttpClient companyApi = tapd.client(company.token);
    EXPECT_STATUS(
            sendRaw(companyApi, "POST", "/admin/credentials",
                    R"({"name": "slack", "description": "Company Slack", "value": "xoxb-company-token"})"),
            201);
    EXPECT_STATUS(
            sendRaw(companyApi, "POST", "/admin/credentials",
                    R"({"name": "twitter", "description": "Company Twitter", "value": "bearer-token"})"),
            201);
    {
        // No connector and no api_base in the seed: direct, without a base.
        const QJsonObject slack = companyApi.get("/admin/credentials/slack").json();
        QCOMPARE(slack.value(u"connector"_s).toString(), u"direct"_s);
        QVERIFY(slack.value(u"api_base"_s).isNull());
        QCOMPARE(slack.value(u"has_value"_s), QJsonValue(true));
    }
    const HttpResponse role =
            sendRaw(companyApi, "POST", "/admin/roles",
                    R"({"name": "social-poster", "credentials": ["slack", "twitter"]})");
    EXPECT_STATUS(role, 201);

    // 3. Company admin links Alice's agent
    QByteArray linkBody = R"({
"agent_home_team_id": "<alice-personal-team-id>",
"agent_id": "alice-agent",
"role": "social-poster"
})";
    linkBody.replace("<alice-personal-team-id>", utf8(alice.teamId));
    const HttpResponse link = sendRaw(companyApi, "POST", "/admin/agent-links", linkBody);
    EXPECT_STATUS(link, 201);
    QCOMPARE(link.json().value(u"team_id"_s).toString(), company.teamId);
    QVERIFY(!link.json().contains(u"warning"_s));
    EXPECT_ERROR(sendRaw(companyApi, "POST", "/admin/agent-links", linkBody), 409, u"conflict"_s);

    // 4. One key, both teams ("Discovering Available Teams").
    {
        const HttpResponse services = agentServices(tapd, agentKey);
        EXPECT_STATUS(services, 200);
        const QMap<QString, QStringList> teams = servicesByTeam(services);
        QCOMPARE(teams.value(alice.teamId), QStringList({ u"github"_s, u"openai"_s }));
        QCOMPARE(teams.value(company.teamId), QStringList({ u"slack"_s, u"twitter"_s }));
        QCOMPARE(teams.size(), 2);
    }

    // Managing Links: list, remove.
    {
        const HttpResponse list = companyApi.get("/admin/agent-links");
        EXPECT_STATUS(list, 200);
        const QJsonArray links = list.json().value(u"links"_s).toArray();
        QCOMPARE(links.size(), 1);
        const QJsonObject l = links.first().toObject();
        QCOMPARE(l.value(u"team_id"_s).toString(), company.teamId);
        QCOMPARE(l.value(u"agent_home_team_id"_s).toString(), alice.teamId);
        QCOMPARE(l.value(u"agent_id"_s).toString(), u"alice-agent"_s);
        QCOMPARE(l.value(u"role"_s).toString(), u"social-poster"_s);
        QCOMPARE(l.value(u"created_by"_s).toString(), u"admin@company.example"_s);
        QVERIFY(parseTime(l.value(u"created_at"_s)).isValid());
    }
    // The home team does not see (or control) the company's links.
    QVERIFY(aliceApi.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
    EXPECT_ERROR(aliceApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 404,
                 u"not_found"_s);

    EXPECT_STATUS(companyApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 200);
    QVERIFY(companyApi.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
    EXPECT_ERROR(companyApi.del("/admin/agent-links/" + utf8(alice.teamId) + "/alice-agent"), 404,
                 u"not_found"_s);
    EXPECT_STATUS(aliceApi.get("/admin/agents/alice-agent"), 200); // the agent itself stays
    // "The agent immediately loses access to the company team's credentials."
    QCOMPARE(servicesByTeam(agentServices(tapd, agentKey)).keys(), QStringList{ alice.teamId });

    // Deleting the role a link is scoped to removes the link (fail closed).
    EXPECT_STATUS(sendRaw(companyApi, "POST", "/admin/agent-links", linkBody), 201);
    EXPECT_STATUS(companyApi.del("/admin/roles/social-poster"), 200);
    QVERIFY(companyApi.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
    QCOMPARE(servicesByTeam(agentServices(tapd, agentKey)).keys(), QStringList{ alice.teamId });
}

// ---------------------------------------------------------------------------------------------
// 2. Validation rules, one row each.

ValidationFixture *TestAdminApi::validationFixture()
{
    QFETCH_GLOBAL(QString, backend);
    if (m_fixture && m_fixtureBackend == backend)
        return m_fixture.get();
    m_fixture.reset();
    auto f = std::make_unique<ValidationFixture>();
    if (!f->tapd.start())
        return nullptr;
    signUp(f->tapd, u"valid-team"_s, u"owner@example.com"_s, u"owner-password"_s, &f->owner);
    signUp(f->tapd, u"other-team"_s, u"other@example.com"_s, u"other-password"_s, &f->other);
    if (QTest::currentTestFailed())
        return nullptr;
    const HttpClient owner = f->tapd.client(f->owner.token);
    createAll(owner, "/admin/credentials",
              { { { u"name"_s, u"slack"_s },
                  { u"description"_s, u"Slack"_s },
                  { u"value"_s, u"xoxb-1"_s } } });
    createAll(owner, "/admin/roles",
              { { { u"name"_s, u"reader"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(owner, "/admin/agents",
              { { { u"id"_s, u"existing-agent"_s }, { u"roles"_s, QJsonArray{ u"reader"_s } } } });
    createAll(f->tapd.client(f->other.token), "/admin/agents",
              { { { u"id"_s, u"other-agent"_s } } });
    // An account that never verified its address.
    createAll(f->tapd.client(), "/signup",
              { { { u"team_name"_s, u"unverified-team"_s },
                  { u"email"_s, u"unverified@example.com"_s },
                  { u"password"_s, u"unverified-pw"_s } } });
    if (QTest::currentTestFailed())
        return nullptr;
    m_fixture = std::move(f);
    m_fixtureBackend = backend;
    return m_fixture.get();
}

void TestAdminApi::validation_data()
{
    QTest::addColumn<QString>("scenario"); // non-empty: a multi-step rule (see runScenario)
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body"); // {own_team} and {other_team} are replaced
    QTest::addColumn<bool>("authenticated"); // as the owner of valid-team
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions"); // the error message names this
    QTest::addColumn<QByteArray>("absent"); // afterwards GET this gives 404 (nothing was made)

    const auto row = [](const char *name, const QByteArray &method, const QByteArray &path,
                        const QByteArray &body, bool auth, int status, const QString &code,
                        const QString &mentions, const QByteArray &absent = {}) {
        QTest::newRow(name) << QString() << method << path << body << auth << status << code
                            << mentions << absent;
    };
    const auto scenario = [](const char *name) {
        QTest::newRow(name) << QString::fromLatin1(name) << QByteArray() << QByteArray()
                            << QByteArray() << false << 0 << QString() << QString() << QByteArray();
    };
    const QString invalid = u"invalid_request"_s;
    const QString conflict = u"conflict"_s;

    // Sign-up: team names are 3-64 characters of [a-z0-9-], globally unique.
    row("team name too short", "POST", "/signup",
        R"({"team_name": "ab", "email": "v1@example.com", "password": "password-1"})", false, 400,
        invalid, u"team_name"_s);
    row("team name uppercase", "POST", "/signup",
        R"({"team_name": "My-Team", "email": "v2@example.com", "password": "password-1"})", false,
        400, invalid, u"team_name"_s);
    row("team name underscore", "POST", "/signup",
        R"({"team_name": "my_team", "email": "v3@example.com", "password": "password-1"})", false,
        400, invalid, u"team_name"_s);
    row("team name 65 chars", "POST", "/signup",
        R"({"team_name": ")" + QByteArray(65, 'a')
                + R"(", "email": "v4@example.com", "password": "password-1"})",
        false, 400, invalid, u"team_name"_s);
    row("team name 64 chars accepted", "POST", "/signup",
        R"({"team_name": ")" + QByteArray(64, 'b')
                + R"(", "email": "v5@example.com", "password": "password-1"})",
        false, 201, QString(), QString());
    row("team name 3 chars accepted", "POST", "/signup",
        R"({"team_name": "a-1", "email": "v6@example.com", "password": "password-1"})", false, 201,
        QString(), QString());
    row("team name taken", "POST", "/signup",
        R"({"team_name": "valid-team", "email": "v7@example.com", "password": "password-1"})",
        false, 409, conflict, u"valid-team"_s);
    row("team name missing", "POST", "/signup",
        R"({"email": "v8@example.com", "password": "password-1"})", false, 400, invalid,
        u"team_name"_s);
    row("bad email", "POST", "/signup",
        R"({"team_name": "bad-email", "email": "not-an-email", "password": "password-1"})", false,
        400, invalid, u"email"_s);
    row("email without domain", "POST", "/signup",
        R"({"team_name": "bad-email", "email": "someone@localhost", "password": "password-1"})",
        false, 400, invalid, u"email"_s);
    row("duplicate email", "POST", "/signup",
        R"({"team_name": "second-team", "email": "owner@example.com", "password": "password-1"})",
        false, 409, conflict, QString());
    row("duplicate email other case", "POST", "/signup",
        R"({"team_name": "third-team", "email": " Owner@Example.COM ", "password": "password-1"})",
        false, 409, conflict, QString());
    row("password of 7 chars", "POST", "/signup",
        R"({"team_name": "short-pw", "email": "v9@example.com", "password": "1234567"})", false,
        400, invalid, u"password"_s);
    row("password of 8 chars accepted", "POST", "/signup",
        R"({"team_name": "eight-pw", "email": "v10@example.com", "password": "12345678"})", false,
        201, QString(), QString());
    row("unknown field in sign-up", "POST", "/signup",
        R"({"team_name": "colourful", "email": "v11@example.com", "password": "password-1", "colour": "blue"})",
        false, 400, invalid, u"colour"_s);
    row("sign-up body malformed", "POST", "/signup", R"({"team_name": "x", )", false, 400, invalid,
        QString());
    row("sign-up body is an array", "POST", "/signup",
        R"([{"team_name": "arr-team", "email": "v12@example.com", "password": "password-1"}])",
        false, 400, invalid, QString());

    // Log-in.
    row("unverified login", "POST", "/login",
        R"({"email": "unverified@example.com", "password": "unverified-pw"})", false, 403,
        u"forbidden"_s, u"verify"_s);
    scenario("wrong password like unknown email");
    scenario("wrong code 5 times then the right one");
    scenario("resend-verification answers alike");
    scenario("parallel wrong codes");

    // Credentials (seed "Validation Rules").
    row("sidecar without api_base", "POST", "/admin/credentials",
        R"({"name": "sc", "description": "d", "connector": "sidecar", "value": "v"})", true, 400,
        invalid, u"api_base"_s, "/admin/credentials/sc");
    row("relative_target with direct", "POST", "/admin/credentials",
        R"({"name": "rt", "description": "d", "connector": "direct", "api_base": "https://a.example.com", "relative_target": true})",
        true, 400, invalid, u"relative_target"_s, "/admin/credentials/rt");
    row("relative_target with default connector", "POST", "/admin/credentials",
        R"({"name": "rt2", "description": "d", "api_base": "https://a.example.com", "relative_target": true})",
        true, 400, invalid, u"relative_target"_s, "/admin/credentials/rt2");
    row("relative_target with sidecar accepted", "POST", "/admin/credentials",
        R"({"name": "rt3", "description": "d", "connector": "sidecar", "api_base": "http://sidecar.internal:8080", "relative_target": true})",
        true, 201, QString(), QString());
    row("auth_header_format without {value}", "POST", "/admin/credentials",
        R"({"name": "ahf", "description": "d", "auth_header_format": "Bearer token"})", true, 400,
        invalid, u"auth_header_format"_s, "/admin/credentials/ahf");
    row("auth_header_format patched without {value}", "PATCH", "/admin/credentials/slack",
        R"({"auth_header_format": "token"})", true, 400, invalid, u"auth_header_format"_s);
    row("sidecar patched onto a credential without api_base", "PATCH", "/admin/credentials/slack",
        R"({"connector": "sidecar"})", true, 400, invalid, u"api_base"_s);
    row("unknown connector", "POST", "/admin/credentials",
        R"({"name": "uc", "description": "d", "connector": "proxy"})", true, 400, invalid,
        u"connector"_s, "/admin/credentials/uc");
    row("duplicate credential name", "POST", "/admin/credentials",
        R"({"name": "slack", "description": "again", "value": "v"})", true, 409, conflict,
        u"slack"_s);
    row("credential without description", "POST", "/admin/credentials", R"({"name": "nodesc"})",
        true, 400, invalid, u"description"_s, "/admin/credentials/nodesc");
    row("unknown field in credential", "POST", "/admin/credentials",
        R"({"name": "uf", "description": "d", "colour": "blue"})", true, 400, invalid, u"colour"_s,
        "/admin/credentials/uf");
    row("credential body malformed", "POST", "/admin/credentials", R"({"name": "mj", "descr)", true,
        400, invalid, QString(), "/admin/credentials/mj");
    row("credential body is an array", "POST", "/admin/credentials",
        R"([{"name": "arr", "description": "d"}])", true, 400, invalid, QString(),
        "/admin/credentials/arr");
    row("credential name of wrong type", "POST", "/admin/credentials",
        R"({"name": 5, "description": "d"})", true, 400, invalid, u"name"_s);

    // Agents and roles.
    row("agent with unknown credential", "POST", "/admin/agents",
        R"({"id": "a1", "credentials": ["slack", "nope-cred"]})", true, 400, invalid,
        u"nope-cred"_s, "/admin/agents/a1");
    row("agent with unknown role", "POST", "/admin/agents",
        R"({"id": "a2", "roles": ["reader", "nope-role"]})", true, 400, invalid, u"nope-role"_s,
        "/admin/agents/a2");
    row("agent patched to an unknown credential", "PATCH", "/admin/agents/existing-agent",
        R"({"credentials": ["nope-cred"]})", true, 400, invalid, u"nope-cred"_s);
    row("role with unknown credential", "POST", "/admin/roles",
        R"({"name": "r1", "credentials": ["nope-cred"]})", true, 400, invalid, u"nope-cred"_s,
        "/admin/roles/r1");
    row("duplicate agent", "POST", "/admin/agents", R"({"id": "existing-agent"})", true, 409,
        conflict, u"existing-agent"_s);
    row("duplicate role", "POST", "/admin/roles", R"({"name": "reader"})", true, 409, conflict,
        u"reader"_s);
    row("unknown field in agent", "POST", "/admin/agents", R"({"id": "uf", "colour": "blue"})",
        true, 400, invalid, u"colour"_s, "/admin/agents/uf");
    row("rate limit not a positive number", "POST", "/admin/agents",
        R"({"id": "rl", "rate_limit_per_hour": 0})", true, 400, invalid, u"rate_limit_per_hour"_s,
        "/admin/agents/rl");
    row("agent body is an array", "POST", "/admin/agents", R"(["a3"])", true, 400, invalid,
        QString());

    // Policies.
    row("policy method in both lists", "PUT", "/admin/policies/slack",
        R"({"auto_approve_methods": ["GET"], "require_approval_methods": ["POST", "get"]})", true,
        400, invalid, u"GET"_s);
    row("policy with unknown method", "PUT", "/admin/policies/slack",
        R"({"auto_approve_methods": ["FETCH"]})", true, 400, invalid, u"FETCH"_s);
    row("policy with unknown field", "PUT", "/admin/policies/slack",
        R"({"auto_approve_method": ["GET"]})", true, 400, invalid, u"auto_approve_method"_s);
    row("policy for unknown credential", "PUT", "/admin/policies/nope-cred",
        R"({"auto_approve_methods": ["GET"]})", true, 404, u"not_found"_s, u"nope-cred"_s);

    // Agent links.
    row("link to own team", "POST", "/admin/agent-links",
        R"({"agent_home_team_id": "{own_team}", "agent_id": "existing-agent"})", true, 400, invalid,
        QString());
    row("link with unknown role", "POST", "/admin/agent-links",
        R"({"agent_home_team_id": "{other_team}", "agent_id": "other-agent", "role": "nope-role"})",
        true, 400, invalid, u"nope-role"_s);
    row("link to unknown agent", "POST", "/admin/agent-links",
        R"({"agent_home_team_id": "{other_team}", "agent_id": "nope-agent", "role": "reader"})",
        true, 404, u"not_found"_s, u"nope-agent"_s);

    // Notification channels and members.
    row("channel of unknown type", "POST", "/admin/notification-channels",
        R"({"name": "ch", "channel_type": "pager"})", true, 400, invalid, u"channel_type"_s);
    row("telegram channel with bad chat id", "POST", "/admin/notification-channels",
        R"({"name": "ch", "channel_type": "telegram", "config": {"chat_id": "not a chat"}})", true,
        400, invalid, u"chat_id"_s);
    row("invite with unknown role", "POST", "/admin/members/invite",
        R"({"email": "x@example.com", "role": "superuser"})", true, 400, invalid, u"role"_s);
}

void TestAdminApi::validation()
{
    QFETCH(QString, scenario);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, authenticated);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    QFETCH(QByteArray, absent);

    ValidationFixture *f = validationFixture();
    if (!f)
        return;
    if (!scenario.isEmpty())
        return runScenario(*f, scenario);

    body.replace("{own_team}", utf8(f->owner.teamId));
    body.replace("{other_team}", utf8(f->other.teamId));
    const HttpClient c = f->tapd.client(authenticated ? f->owner.token : QByteArray());
    const HttpResponse r = sendRaw(c, method, path, body);
    if (status < 400) {
        EXPECT_STATUS(r, status);
        return;
    }
    EXPECT_ERROR(r, status, code);
    if (!mentions.isEmpty())
        QVERIFY2(r.errorMessage().contains(mentions, Qt::CaseInsensitive), r.body.constData());
    if (!absent.isEmpty())
        EXPECT_ERROR(f->tapd.client(f->owner.token).get(absent), 404, u"not_found"_s);
}

void TestAdminApi::runScenario(ValidationFixture &f, const QString &scenario)
{
    const HttpClient anon = f.tapd.client();
    if (scenario == u"wrong password like unknown email") {
        // 401 with the same answer, so log-in does not reveal which addresses have accounts.
        const HttpResponse wrong = anon.post(
                "/login",
                { { u"email"_s, u"owner@example.com"_s }, { u"password"_s, u"wrong-password"_s } });
        const HttpResponse unknown = anon.post("/login",
                                               { { u"email"_s, u"nobody@example.com"_s },
                                                 { u"password"_s, u"wrong-password"_s } });
        EXPECT_ERROR(wrong, 401, u"unauthorized"_s);
        EXPECT_ERROR(unknown, 401, u"unauthorized"_s);
        QCOMPARE(wrong.errorMessage(), unknown.errorMessage());
        QCOMPARE(wrong.body, unknown.body);
        // The right password still works (one failure is no lock-out).
        EXPECT_STATUS(anon.post("/login",
                                { { u"email"_s, u"owner@example.com"_s },
                                  { u"password"_s, u"owner-password"_s } }),
                      200);
    } else if (scenario == u"wrong code 5 times then the right one") {
        EXPECT_STATUS(anon.post("/signup",
                                { { u"team_name"_s, u"code-team"_s },
                                  { u"email"_s, u"code@example.com"_s },
                                  { u"password"_s, u"code-password"_s } }),
                      201);
        const QString code = f.tapd.verificationCode(u"code@example.com"_s);
        QCOMPARE(code.size(), 6);
        const QString wrongCode =
                u"%1"_s.arg((code.toInt() + 1) % 1000000, 6, 10, QLatin1Char('0'));
        for (int i = 1; i <= 5; ++i) {
            const HttpResponse r =
                    anon.post("/verify-email",
                              { { u"email"_s, u"code@example.com"_s }, { u"code"_s, wrongCode } });
            if (!verifyError(r, 400, u"invalid_request"_s, qPrintable(u"wrong code #%1"_s.arg(i)),
                             __FILE__, __LINE__))
                return;
        }
        const HttpResponse sixth = anon.post(
                "/verify-email", { { u"email"_s, u"code@example.com"_s }, { u"code"_s, code } });
        EXPECT_ERROR(sixth, 429, u"rate_limited"_s);
        QVERIFY2(sixth.header("Retry-After").toInt() > 0, sixth.raw.constData());
        // Still unverified: log-in is refused.
        EXPECT_ERROR(anon.post("/login",
                               { { u"email"_s, u"code@example.com"_s },
                                 { u"password"_s, u"code-password"_s } }),
                     403, u"forbidden"_s);
    } else if (scenario == u"resend-verification answers alike") {
        const int mailsBefore = int(f.tapd.allMails().size());
        const HttpResponse unknown =
                anon.post("/resend-verification", { { u"email"_s, u"nobody@example.com"_s } });
        const HttpResponse verified =
                anon.post("/resend-verification", { { u"email"_s, u"owner@example.com"_s } });
        const HttpResponse unverified =
                anon.post("/resend-verification", { { u"email"_s, u"unverified@example.com"_s } });
        EXPECT_STATUS(unknown, 200);
        EXPECT_STATUS(verified, 200);
        EXPECT_STATUS(unverified, 200);
        QVERIFY(!unknown.json().value(u"message"_s).toString().isEmpty());
        QCOMPARE(verified.body, unknown.body);
        QCOMPARE(unverified.body, unknown.body);
        QVERIFY(f.tapd.mailsTo(u"nobody@example.com"_s).isEmpty());
        QVERIFY(f.tapd.mailsTo(u"owner@example.com"_s).size() == 1); // only the sign-up code
        QVERIFY(f.tapd.allMails().size() >= mailsBefore);
        EXPECT_ERROR(anon.post("/resend-verification",
                               { { u"email"_s, u"a@b.example"_s }, { u"x"_s, 1 } }),
                     400, u"invalid_request"_s);
    } else if (scenario == u"parallel wrong codes") {
        // The 5-attempt limit holds when the guesses arrive together.
        EXPECT_STATUS(anon.post("/signup",
                                { { u"team_name"_s, u"pcode-team"_s },
                                  { u"email"_s, u"pcode@example.com"_s },
                                  { u"password"_s, u"pcode-password"_s } }),
                      201);
        const QString code = f.tapd.verificationCode(u"pcode@example.com"_s);
        QCOMPARE(code.size(), 6);
        std::vector<std::function<HttpResponse()>> guesses;
        for (int i = 1; i <= 12; ++i) {
            const QString wrong =
                    u"%1"_s.arg((code.toInt() + i) % 1000000, 6, 10, QLatin1Char('0'));
            guesses.push_back([&anon, wrong] {
                return anon.post("/verify-email",
                                 { { u"email"_s, u"pcode@example.com"_s }, { u"code"_s, wrong } });
            });
        }
        const QList<int> seen = statusesOf(inParallel(guesses));
        QCOMPARE(seen.count(400), 5);
        QCOMPARE(seen.count(429), 7);
        EXPECT_ERROR(anon.post("/verify-email",
                               { { u"email"_s, u"pcode@example.com"_s }, { u"code"_s, code } }),
                     429, u"rate_limited"_s);
    } else {
        QFAIL(qPrintable(u"unknown scenario "_s + scenario));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Sessions

void TestAdminApi::sessions()
{
    Tapd tapd;
    if (!tapd.start())
        return;
    Account a;
    signUp(tapd, u"session-team"_s, u"sess@example.com"_s, u"session-password"_s, &a);
    RETURN_IF_FAILED();
    const HttpClient anon = tapd.client();
    EXPECT_STATUS(tapd.client(a.token).get("/admin/team"), 200);

    // Anything but a live session token is 401, always with the same answer.
    QByteArray mutated = a.token;
    mutated[mutated.size() - 1] = mutated.back() == 'A' ? 'B' : 'A';
    const QList<QPair<const char *, QByteArray>> badAuthorizations{
        { "no Authorization", QByteArray() },
        { "Bearer garbage", QByteArrayLiteral("Bearer garbage") },
        { "well-formed unknown taps_ token", "Bearer taps_" + QByteArray(43, 'A') },
        { "altered token", "Bearer " + mutated },
        { "token with a suffix", "Bearer " + a.token + "x" },
        { "token without Bearer", a.token },
        { "Basic credentials",
          QByteArrayLiteral("Basic c2Vzc0BleGFtcGxlLmNvbTpzZXNzaW9uLXBhc3N3b3Jk") },
        { "agent-key-shaped token", "Bearer tap_" + QByteArray(43, 'A') },
        { "empty Bearer", QByteArrayLiteral("Bearer ") },
    };
    QString firstMessage;
    for (const auto &[what, authorization] : badAuthorizations) {
        const HttpHeaders headers = authorization.isEmpty()
                ? HttpHeaders()
                : HttpHeaders{ { QByteArrayLiteral("Authorization"), authorization } };
        for (const QByteArray &path :
             { QByteArrayLiteral("/admin/team"), QByteArrayLiteral("/admin/credentials"),
               QByteArrayLiteral("/admin/audit/export") }) {
            const HttpResponse r = anon.request("GET", path, {}, headers);
            if (!verifyError(r, 401, u"unauthorized"_s, what, __FILE__, __LINE__))
                return;
            if (firstMessage.isEmpty())
                firstMessage = r.errorMessage();
            QCOMPARE(r.errorMessage(), firstMessage);
        }
        const HttpResponse write =
                anon.request("POST", "/admin/credentials", R"({"name": "x", "description": "d"})",
                             headers + jsonHeaders());
        if (!verifyError(write, 401, u"unauthorized"_s, what, __FILE__, __LINE__))
            return;
        if (!verifyError(anon.request("POST", "/logout", {}, headers), 401, u"unauthorized"_s, what,
                         __FILE__, __LINE__))
            return;
    }
    QVERIFY(tapd.client(a.token)
                    .get("/admin/credentials")
                    .json()
                    .value(u"credentials"_s)
                    .toArray()
                    .isEmpty());

    // Two sessions are independent; logging one out leaves the other. (Addresses are
    // case-insensitive.)
    const HttpResponse second = anon.post(
            "/login", { { u"email"_s, u"Sess@Example.com"_s }, { u"password"_s, a.password } });
    EXPECT_STATUS(second, 200);
    const QByteArray token2 = second.json().value(u"session_token"_s).toString().toLatin1();
    QVERIFY(token2 != a.token);
    EXPECT_STATUS(tapd.client(a.token).request("POST", "/logout"), 200);
    EXPECT_ERROR(tapd.client(a.token).get("/admin/team"), 401, u"unauthorized"_s);
    QCOMPARE(tapd.client(a.token).get("/admin/team").errorMessage(), firstMessage);
    EXPECT_STATUS(tapd.client(token2).get("/admin/team"), 200);

    // A wrong password for a known address reads exactly like an unknown address.
    const HttpResponse wrong = anon.post(
            "/login", { { u"email"_s, a.email }, { u"password"_s, u"not-the-password"_s } });
    const HttpResponse unknown = anon.post(
            "/login",
            { { u"email"_s, u"ghost@example.com"_s }, { u"password"_s, u"not-the-password"_s } });
    EXPECT_ERROR(wrong, 401, u"unauthorized"_s);
    EXPECT_ERROR(unknown, 401, u"unauthorized"_s);
    QCOMPARE(wrong.errorMessage(), unknown.errorMessage());
    QCOMPARE(wrong.body, unknown.body);

    // Throttling: 5 wrong passwords, then even the right one is refused for a while.
    Account t;
    signUp(tapd, u"throttle-team"_s, u"throttle@example.com"_s, u"throttle-password"_s, &t);
    RETURN_IF_FAILED();
    for (int i = 1; i <= 5; ++i) {
        const HttpResponse r = anon.post(
                "/login", { { u"email"_s, t.email }, { u"password"_s, u"guess-%1"_s.arg(i) } });
        if (!verifyError(r, 401, u"unauthorized"_s, qPrintable(u"wrong password #%1"_s.arg(i)),
                         __FILE__, __LINE__))
            return;
    }
    // (The lock is on the address, whatever its spelling.)
    const HttpResponse locked = anon.post(
            "/login", { { u"email"_s, u"THROTTLE@example.com"_s }, { u"password"_s, t.password } });
    EXPECT_ERROR(locked, 429, u"rate_limited"_s);
    bool ok = false;
    const int retryAfter = locked.header("Retry-After").toInt(&ok);
    QVERIFY2(ok && retryAfter > 0 && retryAfter <= 3600, locked.raw.constData());
    QVERIFY(!locked.body.contains("session_token"));
    // Unknown addresses are throttled the same way (no account enumeration through the lock).
    for (int i = 1; i <= 5; ++i) {
        const HttpResponse r = anon.post("/login",
                                         { { u"email"_s, u"phantom@example.com"_s },
                                           { u"password"_s, u"guess-%1"_s.arg(i) } });
        if (!verifyError(r, 401, u"unauthorized"_s, qPrintable(u"unknown address #%1"_s.arg(i)),
                         __FILE__, __LINE__))
            return;
    }
    const HttpResponse phantom = anon.post(
            "/login",
            { { u"email"_s, u"phantom@example.com"_s }, { u"password"_s, u"guess-6"_s } });
    EXPECT_ERROR(phantom, 429, u"rate_limited"_s);
    QCOMPARE(phantom.errorMessage(), locked.errorMessage());
    // The lock is per address: others still log in, and live sessions keep working.
    EXPECT_STATUS(anon.post("/login", { { u"email"_s, a.email }, { u"password"_s, a.password } }),
                  200);
    EXPECT_STATUS(tapd.client(t.token).get("/admin/team"), 200);
}

// The throttle holds against parallel guesses too (they must not all pass the lock check before
// the first failure is counted), and successful log-ins do not count against a client address.
void TestAdminApi::parallelLoginGuesses()
{
    Tapd tapd;
    if (!tapd.start())
        return;
    Account target;
    Account regular;
    signUp(tapd, u"parallel-team"_s, u"parallel@example.com"_s, u"parallel-password"_s, &target);
    signUp(tapd, u"regular-team"_s, u"regular@example.com"_s, u"regular-password"_s, &regular);
    RETURN_IF_FAILED();

    constexpr int kGuesses = 12;
    const HttpClient anon = tapd.client();
    std::vector<std::function<HttpResponse()>> guesses;
    for (int i = 0; i < kGuesses; ++i) {
        guesses.push_back([&anon, i] {
            return anon.post("/login",
                             { { u"email"_s, u"parallel@example.com"_s },
                               { u"password"_s, u"guess-%1"_s.arg(i) } });
        });
    }
    const QList<int> seen = statusesOf(inParallel(guesses));
    QCOMPARE(seen.count(401), 5); // exactly as many guesses as sequentially
    QCOMPARE(seen.count(429), kGuesses - 5);
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, target.email }, { u"password"_s, target.password } }),
                 429, u"rate_limited"_s);

    // 21 good log-ins from one client address: more than its failure limit (20), no lock.
    for (int i = 1; i <= 21; ++i) {
        const HttpResponse r = anon.post(
                "/login", { { u"email"_s, regular.email }, { u"password"_s, regular.password } });
        if (!verifyStatus(r, 200, qPrintable(u"log-in #%1"_s.arg(i)), __FILE__, __LINE__))
            return;
    }
}

// "The last owner cannot be demoted or removed" also when two owners step down at once.
void TestAdminApi::concurrentOwnerChanges()
{
    Tapd tapd;
    if (!tapd.start())
        return;
    Account first;
    signUp(tapd, u"owned-team"_s, u"first@example.com"_s, u"first-password"_s, &first);
    RETURN_IF_FAILED();
    EXPECT_STATUS(
            tapd.client(first.token)
                    .post("/admin/members/invite",
                          { { u"email"_s, u"second@example.com"_s }, { u"role"_s, u"owner"_s } }),
            201);
    const QString invite = tapd.inviteToken(u"second@example.com"_s);
    QVERIFY(!invite.isEmpty());
    EXPECT_STATUS(tapd.client().post("/signup",
                                     { { u"email"_s, u"second@example.com"_s },
                                       { u"password"_s, u"second-password"_s },
                                       { u"invite_token"_s, invite } }),
                  201);
    const HttpResponse login = tapd.client().post(
            "/login",
            { { u"email"_s, u"second@example.com"_s }, { u"password"_s, u"second-password"_s } });
    EXPECT_STATUS(login, 200);
    QCOMPARE(login.json().value(u"role"_s).toString(), u"owner"_s);
    const QString secondId = login.json().value(u"admin_id"_s).toString();
    const HttpClient one = tapd.client(first.token);
    const HttpClient two =
            tapd.client(login.json().value(u"session_token"_s).toString().toLatin1());
    const auto owners = [&one] {
        QStringList out;
        for (const QJsonValue &m : one.get("/admin/members").json().value(u"members"_s).toArray()) {
            if (m.toObject().value(u"role"_s).toString() == u"owner"_s)
                out << m.toObject().value(u"id"_s).toString();
        }
        return out;
    };
    for (int round = 1; round <= 8; ++round) {
        const QList<int> seen = statusesOf(inParallel({
                [&] {
                    return one.patch("/admin/members/" + utf8(first.adminId),
                                     { { u"role"_s, u"admin"_s } });
                },
                [&] {
                    return two.patch("/admin/members/" + utf8(secondId),
                                     { { u"role"_s, u"admin"_s } });
                },
        }));
        QVERIFY2(seen.count(200) == 1 && seen.count(409) == 1,
                 qPrintable(u"round %1: %2, %3"_s.arg(round).arg(seen.at(0)).arg(seen.at(1))));
        const QStringList left = owners();
        QCOMPARE(left.size(), 1);
        // The remaining owner makes the other one owner again.
        const bool firstLeft = left.first() == first.adminId;
        const HttpClient &remaining = firstLeft ? one : two;
        const QString other = firstLeft ? secondId : first.adminId;
        EXPECT_STATUS(
                remaining.patch("/admin/members/" + utf8(other), { { u"role"_s, u"owner"_s } }),
                200);
    }
    // Removing each other at once: one of them stays, as the owner.
    const QList<int> seen = statusesOf(inParallel({
            [&] { return one.del("/admin/members/" + utf8(secondId)); },
            [&] { return two.del("/admin/members/" + utf8(first.adminId)); },
    }));
    QVERIFY2(seen.count(200) == 1, qPrintable(u"%1, %2"_s.arg(seen.at(0)).arg(seen.at(1))));
    const HttpResponse members1 = one.get("/admin/members");
    const HttpResponse members2 = two.get("/admin/members");
    QVERIFY((members1.status == 200) != (members2.status == 200)); // one session ended
    const HttpResponse &alive = members1.status == 200 ? members1 : members2;
    QCOMPARE(column(alive.json().value(u"members"_s), u"role"_s), QStringList{ u"owner"_s });
}

// ---------------------------------------------------------------------------------------------
// 4. Approvers read everything and change nothing.

void TestAdminApi::approverRole()
{
    Tapd tapd;
    if (!tapd.start())
        return;
    Account owner;
    Account partner;
    signUp(tapd, u"approver-team"_s, u"owner@example.com"_s, u"owner-password"_s, &owner);
    signUp(tapd, u"partner-team"_s, u"partner@example.com"_s, u"partner-password"_s, &partner);
    RETURN_IF_FAILED();
    const HttpClient own = tapd.client(owner.token);
    createAll(own, "/admin/credentials",
              { { { u"name"_s, u"slack"_s },
                  { u"description"_s, u"Slack"_s },
                  { u"value"_s, u"xoxb-approver"_s } } });
    createAll(own, "/admin/roles",
              { { { u"name"_s, u"reader"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(own, "/admin/agents",
              { { { u"id"_s, u"bot"_s }, { u"credentials"_s, QJsonArray{ u"slack"_s } } } });
    createAll(own, "/admin/notification-channels",
              { { { u"name"_s, u"desk"_s }, { u"channel_type"_s, u"desktop"_s } } });
    createAll(tapd.client(partner.token), "/admin/agents", { { { u"id"_s, u"partner-agent"_s } } });
    createAll(own, "/admin/agent-links",
              { { { u"agent_home_team_id"_s, partner.teamId },
                  { u"agent_id"_s, u"partner-agent"_s },
                  { u"role"_s, u"reader"_s } } });
    RETURN_IF_FAILED();
    EXPECT_STATUS(own.put("/admin/policies/slack",
                          { { u"auto_approve_methods"_s, QJsonArray{ u"GET"_s } } }),
                  200);

    // The owner invites bob as an approver; bob signs up with the mailed token.
    const HttpResponse invite =
            own.post("/admin/members/invite",
                     { { u"email"_s, u"bob@example.com"_s }, { u"role"_s, u"approver"_s } });
    EXPECT_STATUS(invite, 201);
    QCOMPARE(invite.json().value(u"role"_s).toString(), u"approver"_s);
    const QString inviteToken = tapd.inviteToken(u"bob@example.com"_s);
    QVERIFY2(inviteToken.startsWith(u"tapi_"_s), "no invitation token in the outbox for bob");
    QVERIFY(!invite.body.contains(utf8(inviteToken)));
    // The token is good for bob's address only; a refused sign-up leaves no account behind.
    EXPECT_ERROR(tapd.client().post("/signup",
                                    { { u"email"_s, u"mallory@example.com"_s },
                                      { u"password"_s, u"mallory-password"_s },
                                      { u"invite_token"_s, inviteToken } }),
                 403, u"forbidden"_s);
    EXPECT_ERROR(
            tapd.client().post("/signup",
                               { { u"email"_s, u"bob@example.com"_s },
                                 { u"password"_s, u"bob-password"_s },
                                 { u"invite_token"_s, QString(u"tapi_"_s + QString(43, u'x')) } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(tapd.client().post("/login",
                                    { { u"email"_s, u"mallory@example.com"_s },
                                      { u"password"_s, u"mallory-password"_s } }),
                 401, u"unauthorized"_s);
    const HttpResponse bobSignup = tapd.client().post("/signup",
                                                      { { u"email"_s, u"bob@example.com"_s },
                                                        { u"password"_s, u"bob-password"_s },
                                                        { u"invite_token"_s, inviteToken } });
    EXPECT_STATUS(bobSignup, 201);
    QCOMPARE(bobSignup.json().value(u"team_id"_s).toString(), owner.teamId);
    // The address has an account now.
    EXPECT_ERROR(tapd.client().post("/signup",
                                    { { u"email"_s, u"bob@example.com"_s },
                                      { u"password"_s, u"bob-password"_s },
                                      { u"invite_token"_s, inviteToken } }),
                 409, u"conflict"_s);
    const HttpResponse bobLogin = tapd.client().post(
            "/login",
            { { u"email"_s, u"bob@example.com"_s }, { u"password"_s, u"bob-password"_s } });
    EXPECT_STATUS(bobLogin, 200);
    QCOMPARE(bobLogin.json().value(u"team_id"_s).toString(), owner.teamId);
    QCOMPARE(bobLogin.json().value(u"role"_s).toString(), u"approver"_s);
    const QString bobId = bobLogin.json().value(u"admin_id"_s).toString();
    const HttpClient bob =
            tapd.client(bobLogin.json().value(u"session_token"_s).toString().toLatin1());

    // Everything is readable.
    for (const QByteArray &path :
         { QByteArrayLiteral("/admin/team"), QByteArrayLiteral("/admin/members"),
           QByteArrayLiteral("/admin/credentials"), QByteArrayLiteral("/admin/credentials/slack"),
           QByteArrayLiteral("/admin/policies/slack"), QByteArrayLiteral("/admin/agents"),
           QByteArrayLiteral("/admin/agents/bot"), QByteArrayLiteral("/admin/roles"),
           QByteArrayLiteral("/admin/roles/reader"),
           QByteArrayLiteral("/admin/notification-channels"),
           QByteArrayLiteral("/admin/agent-links"), QByteArrayLiteral("/admin/audit"),
           QByteArrayLiteral("/admin/audit/export") }) {
        const HttpResponse r = bob.get(path);
        if (!verifyStatus(r, 200, path.constData(), __FILE__, __LINE__))
            return;
    }
    QCOMPARE(bob.get("/admin/team").json().value(u"your_role"_s).toString(), u"approver"_s);
    QCOMPARE(sorted(column(bob.get("/admin/members").json().value(u"members"_s), u"email"_s)),
             QStringList({ u"bob@example.com"_s, u"owner@example.com"_s }));

    // Every configuration change is 403.
    const QByteArray partnerLink = "/admin/agent-links/" + utf8(partner.teamId) + "/partner-agent";
    const QList<Op> changes{
        { "POST", "/admin/credentials", R"({"name": "bobs", "description": "d", "value": "v"})" },
        { "PATCH", "/admin/credentials/slack", R"({"description": "changed by bob"})" },
        { "DELETE", "/admin/credentials/slack", {} },
        { "PUT", "/admin/credentials/slack/value", R"({"value": "xoxb-bob"})" },
        { "PUT", "/admin/policies/slack", R"({"auto_approve_methods": ["GET", "POST"]})" },
        { "DELETE", "/admin/policies/slack", {} },
        { "POST", "/admin/agents", R"({"id": "bobs-agent"})" },
        { "PATCH", "/admin/agents/bot", R"({"description": "changed by bob"})" },
        { "DELETE", "/admin/agents/bot", {} },
        { "POST", "/admin/agents/bot/enable", {} },
        { "POST", "/admin/agents/bot/disable", {} },
        { "POST", "/admin/agents/bot/rotate-key", {} },
        { "POST", "/admin/roles", R"({"name": "bobs-role"})" },
        { "PUT", "/admin/roles/reader", R"({"credentials": []})" },
        { "DELETE", "/admin/roles/reader", {} },
        { "POST", "/admin/notification-channels",
          R"({"name": "bobs", "channel_type": "desktop"})" },
        { "DELETE", "/admin/notification-channels/desk", {} },
        { "POST", "/admin/notification-channels/desk/test", {} },
        { "POST", "/admin/agent-links",
          R"({"agent_home_team_id": ")" + utf8(partner.teamId)
                  + R"(", "agent_id": "partner-agent"})" },
        { "DELETE", partnerLink, {} },
        { "POST", "/admin/members/invite",
          R"({"email": "carol@example.com", "role": "approver"})" },
        { "PATCH", "/admin/members/" + utf8(bobId), R"({"role": "admin"})" },
        { "PATCH", "/admin/members/" + utf8(owner.adminId), R"({"role": "approver"})" },
        { "DELETE", "/admin/members/" + utf8(owner.adminId), {} },
    };
    for (const Op &op : changes) {
        const HttpResponse r = perform(bob, op);
        if (!verifyError(r, 403, u"forbidden"_s, qPrintable(describeOp(op)), __FILE__, __LINE__))
            return;
    }

    // ... and nothing changed.
    {
        const QJsonObject slack = own.get("/admin/credentials/slack").json();
        QCOMPARE(slack.value(u"description"_s).toString(), u"Slack"_s);
        QCOMPARE(column(own.get("/admin/credentials").json().value(u"credentials"_s), u"name"_s),
                 QStringList{ u"slack"_s });
        QCOMPARE(stringList(
                         own.get("/admin/policies/slack").json().value(u"auto_approve_methods"_s)),
                 QStringList{ u"GET"_s });
        const QJsonObject bot = own.get("/admin/agents/bot").json();
        QCOMPARE(bot.value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(bot.value(u"description"_s).toString(), QString());
        QCOMPARE(column(own.get("/admin/agents").json().value(u"agents"_s), u"id"_s),
                 QStringList{ u"bot"_s });
        QCOMPARE(stringList(own.get("/admin/roles/reader").json().value(u"credentials"_s)),
                 QStringList{ u"slack"_s });
        QCOMPARE(column(own.get("/admin/roles").json().value(u"roles"_s), u"name"_s),
                 QStringList{ u"reader"_s });
        QCOMPARE(column(own.get("/admin/notification-channels").json().value(u"channels"_s),
                        u"name"_s),
                 QStringList{ u"desk"_s });
        QCOMPARE(own.get("/admin/agent-links").json().value(u"links"_s).toArray().size(), 1);
        const QJsonObject members = own.get("/admin/members").json();
        QCOMPARE(findByKey(members.value(u"members"_s), u"email"_s, u"bob@example.com"_s)
                         .value(u"role"_s)
                         .toString(),
                 u"approver"_s);
        QCOMPARE(findByKey(members.value(u"members"_s), u"email"_s, u"owner@example.com"_s)
                         .value(u"role"_s)
                         .toString(),
                 u"owner"_s);
        QVERIFY(members.value(u"pending_invites"_s).toArray().isEmpty());
        // The audit trail has bob joining, and no change by bob.
        const QJsonArray items =
                own.get("/admin/audit?actor=bob@example.com").json().value(u"items"_s).toArray();
        QCOMPARE(column(items, u"action"_s), QStringList{ u"member.join"_s });
        QVERIFY(tapd.mailsTo(u"carol@example.com"_s).isEmpty());
    }

    // Promoted to admin, bob can change configuration.
    const HttpResponse promoted =
            own.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"admin"_s } });
    EXPECT_STATUS(promoted, 200);
    QCOMPARE(promoted.json().value(u"role"_s).toString(), u"admin"_s);
    EXPECT_STATUS(bob.post("/admin/credentials",
                           { { u"name"_s, u"bobs"_s }, { u"description"_s, u"by bob"_s } }),
                  201);
    QCOMPARE(bob.get("/admin/team").json().value(u"your_role"_s).toString(), u"admin"_s);
    EXPECT_ERROR(bob.post("/admin/members/invite",
                          { { u"email"_s, u"carol@example.com"_s }, { u"role"_s, u"owner"_s } }),
                 403, u"forbidden"_s);

    // Admins cannot touch owners; the last owner can be neither demoted nor removed.
    EXPECT_ERROR(bob.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"admin"_s } }),
                 403, u"forbidden"_s);
    EXPECT_ERROR(bob.del("/admin/members/" + utf8(owner.adminId)), 403, u"forbidden"_s);
    EXPECT_ERROR(bob.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"owner"_s } }), 403,
                 u"forbidden"_s);
    EXPECT_ERROR(own.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"admin"_s } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(
            own.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"approver"_s } }),
            409, u"conflict"_s);
    EXPECT_ERROR(own.del("/admin/members/" + utf8(owner.adminId)), 409, u"conflict"_s);
    QCOMPARE(own.get("/admin/team").json().value(u"your_role"_s).toString(), u"owner"_s);

    // With a second owner the first may step down; then the second is the last one.
    EXPECT_STATUS(own.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"owner"_s } }), 200);
    EXPECT_STATUS(own.patch("/admin/members/" + utf8(owner.adminId), { { u"role"_s, u"admin"_s } }),
                  200);
    EXPECT_ERROR(bob.patch("/admin/members/" + utf8(bobId), { { u"role"_s, u"admin"_s } }), 409,
                 u"conflict"_s);
    EXPECT_ERROR(bob.del("/admin/members/" + utf8(bobId)), 409, u"conflict"_s);
    EXPECT_ERROR(own.del("/admin/members/" + utf8(bobId)), 403, u"forbidden"_s);
    EXPECT_ERROR(own.patch("/admin/members/nobody", { { u"role"_s, u"admin"_s } }), 404,
                 u"not_found"_s);

    // A removed member's session ends at once, and they can no longer log in to the team.
    EXPECT_STATUS(bob.del("/admin/members/" + utf8(owner.adminId)), 200);
    EXPECT_ERROR(own.get("/admin/team"), 401, u"unauthorized"_s);
    EXPECT_ERROR(
            tapd.client().post("/login",
                               { { u"email"_s, owner.email }, { u"password"_s, owner.password } }),
            403, u"forbidden"_s);
    QCOMPARE(column(bob.get("/admin/members").json().value(u"members"_s), u"email"_s),
             QStringList{ u"bob@example.com"_s });
}

// ---------------------------------------------------------------------------------------------
// 5. Teams are isolated even when they use the same names.

void TestAdminApi::isolation()
{
    Tapd tapd;
    if (!tapd.start())
        return;
    Account a;
    Account b;
    signUp(tapd, u"team-a"_s, u"a@example.com"_s, u"password-a"_s, &a);
    signUp(tapd, u"team-b"_s, u"b@example.com"_s, u"password-b"_s, &b);
    RETURN_IF_FAILED();
    const HttpClient apiA = tapd.client(a.token);
    const HttpClient apiB = tapd.client(b.token);
    QMap<QString, QByteArray> sharedAgentKey; // by "A" / "B"
    for (const auto &[api, who] : { std::pair{ &apiA, u"A"_s }, std::pair{ &apiB, u"B"_s } }) {
        createAll(*api, "/admin/credentials",
                  { { { u"name"_s, u"shared-cred"_s },
                      { u"description"_s, QString(who + u"'s"_s) },
                      { u"value"_s, QString(u"value-of-"_s + who) } } });
        createAll(*api, "/admin/roles",
                  { { { u"name"_s, u"shared-role"_s },
                      { u"credentials"_s, QJsonArray{ u"shared-cred"_s } } } });
        const HttpResponse created = api->post("/admin/agents",
                                               { { u"id"_s, u"shared-agent"_s },
                                                 { u"description"_s, QString(who + u"'s agent"_s) },
                                                 { u"roles"_s, QJsonArray{ u"shared-role"_s } } });
        EXPECT_STATUS(created, 201);
        sharedAgentKey.insert(who, created.json().value(u"api_key"_s).toString().toLatin1());
    }
    createAll(apiA, "/admin/roles", { { { u"name"_s, u"a-role"_s } } });
    createAll(apiB, "/admin/credentials",
              { { { u"name"_s, u"b-cred"_s }, { u"description"_s, u"B only"_s } } });
    createAll(apiB, "/admin/roles",
              { { { u"name"_s, u"b-role"_s }, { u"credentials"_s, QJsonArray{ u"b-cred"_s } } } });
    const HttpResponse bAgentCreated = apiB.post(
            "/admin/agents",
            { { u"id"_s, u"b-agent"_s }, { u"credentials"_s, QJsonArray{ u"b-cred"_s } } });
    EXPECT_STATUS(bAgentCreated, 201);
    const QByteArray bAgentKey = bAgentCreated.json().value(u"api_key"_s).toString().toLatin1();
    createAll(apiB, "/admin/notification-channels",
              { { { u"name"_s, u"b-channel"_s }, { u"channel_type"_s, u"desktop"_s } } });
    RETURN_IF_FAILED();
    EXPECT_STATUS(apiB.put("/admin/policies/b-cred",
                           { { u"auto_approve_methods"_s, QJsonArray{ u"GET"_s } } }),
                  200);

    // A's lists show only A's objects.
    {
        const QJsonArray creds =
                apiA.get("/admin/credentials").json().value(u"credentials"_s).toArray();
        QCOMPARE(column(creds, u"name"_s), QStringList{ u"shared-cred"_s });
        QCOMPARE(creds.first().toObject().value(u"description"_s).toString(), u"A's"_s);
        QCOMPARE(column(apiA.get("/admin/roles").json().value(u"roles"_s), u"name"_s),
                 QStringList({ u"a-role"_s, u"shared-role"_s }));
        const QJsonArray agents = apiA.get("/admin/agents").json().value(u"agents"_s).toArray();
        QCOMPARE(column(agents, u"id"_s), QStringList{ u"shared-agent"_s });
        QCOMPARE(agents.first().toObject().value(u"description"_s).toString(), u"A's agent"_s);
        QVERIFY(apiA.get("/admin/notification-channels")
                        .json()
                        .value(u"channels"_s)
                        .toArray()
                        .isEmpty());
        QVERIFY(apiA.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        QCOMPARE(column(apiA.get("/admin/members").json().value(u"members"_s), u"email"_s),
                 QStringList{ u"a@example.com"_s });
        QCOMPARE(apiA.get("/admin/team").json().value(u"name"_s).toString(), u"team-a"_s);
        QCOMPARE(stringList(apiA.get("/admin/roles/shared-role").json().value(u"credentials"_s)),
                 QStringList{ u"shared-cred"_s });
        QCOMPARE(apiA.get("/admin/policies/shared-cred").json().value(u"configured"_s),
                 QJsonValue(false));
    }

    // B's objects do not exist for A: exactly the answer for a name that exists nowhere.
    struct Probe
    {
        Op op;
        QString bName; // exists in team B only
        QString nowhere; // exists in no team
    };
    const QList<Probe> probes{
        { { "GET", "/admin/credentials/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "PATCH", "/admin/credentials/{name}", R"({"description": "hijacked"})" },
          u"b-cred"_s,
          u"nowhere-cred"_s },
        { { "DELETE", "/admin/credentials/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "PUT", "/admin/credentials/{name}/value", R"({"value": "hijacked"})" },
          u"b-cred"_s,
          u"nowhere-cred"_s },
        { { "GET", "/admin/policies/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "PUT", "/admin/policies/{name}", R"({"auto_approve_methods": ["POST"]})" },
          u"b-cred"_s,
          u"nowhere-cred"_s },
        { { "DELETE", "/admin/policies/{name}", {} }, u"b-cred"_s, u"nowhere-cred"_s },
        { { "GET", "/admin/agents/{name}", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "PATCH", "/admin/agents/{name}", R"({"description": "hijacked"})" },
          u"b-agent"_s,
          u"nowhere-agent"_s },
        { { "POST", "/admin/agents/{name}/disable", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "POST", "/admin/agents/{name}/enable", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "POST", "/admin/agents/{name}/rotate-key", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "DELETE", "/admin/agents/{name}", {} }, u"b-agent"_s, u"nowhere-agent"_s },
        { { "GET", "/admin/roles/{name}", {} }, u"b-role"_s, u"nowhere-role"_s },
        { { "PUT", "/admin/roles/{name}", R"({"credentials": []})" },
          u"b-role"_s,
          u"nowhere-role"_s },
        { { "DELETE", "/admin/roles/{name}", {} }, u"b-role"_s, u"nowhere-role"_s },
        { { "DELETE", "/admin/notification-channels/{name}", {} },
          u"b-channel"_s,
          u"nowhere-channel"_s },
        { { "POST", "/admin/notification-channels/{name}/test", {} },
          u"b-channel"_s,
          u"nowhere-channel"_s },
        { { "PATCH", "/admin/members/{name}", R"({"role": "approver"})" },
          b.adminId,
          u"00000000-0000-0000-0000-000000000000"_s },
        { { "DELETE", "/admin/members/{name}", {} },
          b.adminId,
          u"00000000-0000-0000-0000-000000000000"_s },
    };
    for (const auto &[op, bName, nowhere] : probes) {
        const HttpResponse forB = perform(apiA, op, bName);
        const HttpResponse forNothing = perform(apiA, op, nowhere);
        const QString what = describeOp(op).replace(u"{name}"_s, bName);
        if (!verifyError(forB, 404, u"not_found"_s, qPrintable(what), __FILE__, __LINE__))
            return;
        if (!verifyError(forNothing, 404, u"not_found"_s, qPrintable(what), __FILE__, __LINE__))
            return;
        QByteArray normalizedB = forB.body;
        QByteArray normalizedNothing = forNothing.body;
        normalizedB.replace(utf8(bName), "<name>");
        normalizedNothing.replace(utf8(nowhere), "<name>");
        QVERIFY2(normalizedB == normalizedNothing,
                 qPrintable(what + u": "_s + QString::fromUtf8(forB.body) + u" vs "_s
                            + QString::fromUtf8(forNothing.body)));
    }
    // Nor can A refer to them.
    EXPECT_ERROR(
            apiA.post("/admin/agents",
                      { { u"id"_s, u"probe"_s }, { u"credentials"_s, QJsonArray{ u"b-cred"_s } } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(apiA.post("/admin/agents",
                           { { u"id"_s, u"probe"_s }, { u"roles"_s, QJsonArray{ u"b-role"_s } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(apiA.post("/admin/roles",
                           { { u"name"_s, u"probe"_s },
                             { u"credentials"_s, QJsonArray{ u"b-cred"_s } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(
            apiA.put("/admin/policies/shared-cred", { { u"approval_channel"_s, u"b-channel"_s } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(apiA.post("/admin/members/invite", { { u"email"_s, u"a@example.com"_s } }), 409,
                 u"conflict"_s);

    // B's objects are untouched.
    {
        QCOMPARE(apiB.get("/admin/credentials/b-cred").json().value(u"description"_s).toString(),
                 u"B only"_s);
        QCOMPARE(apiB.get("/admin/credentials/shared-cred")
                         .json()
                         .value(u"description"_s)
                         .toString(),
                 u"B's"_s);
        QCOMPARE(
                stringList(
                        apiB.get("/admin/policies/b-cred").json().value(u"auto_approve_methods"_s)),
                QStringList{ u"GET"_s });
        const QJsonObject bAgent = apiB.get("/admin/agents/b-agent").json();
        QCOMPARE(bAgent.value(u"enabled"_s), QJsonValue(true));
        QCOMPARE(bAgent.value(u"description"_s).toString(), QString());
        QCOMPARE(stringList(apiB.get("/admin/roles/b-role").json().value(u"credentials"_s)),
                 QStringList{ u"b-cred"_s });
        QCOMPARE(column(apiB.get("/admin/notification-channels").json().value(u"channels"_s),
                        u"name"_s),
                 QStringList{ u"b-channel"_s });
        QCOMPARE(column(apiB.get("/admin/members").json().value(u"members"_s), u"role"_s),
                 QStringList{ u"owner"_s });
    }

    // Links: B may link A's agent only with B's own roles.
    const QByteArray linkPath = "/admin/agent-links/" + utf8(a.teamId) + "/shared-agent";
    {
        const HttpResponse foreignRole = apiB.post("/admin/agent-links",
                                                   { { u"agent_home_team_id"_s, a.teamId },
                                                     { u"agent_id"_s, u"shared-agent"_s },
                                                     { u"role"_s, u"a-role"_s } });
        EXPECT_ERROR(foreignRole, 400, u"invalid_request"_s);
        QVERIFY2(foreignRole.errorMessage().contains(u"a-role"_s), foreignRole.body.constData());
        QVERIFY(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        EXPECT_STATUS(apiB.post("/admin/agent-links",
                                { { u"agent_home_team_id"_s, a.teamId },
                                  { u"agent_id"_s, u"shared-agent"_s },
                                  { u"role"_s, u"shared-role"_s } }),
                      201);
        QCOMPARE(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().size(), 1);
        QVERIFY(apiA.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        EXPECT_ERROR(apiA.del(linkPath), 404, u"not_found"_s); // B's link, not A's to remove
        QCOMPARE(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().size(), 1);
    }

    // A deleting "shared-agent" deletes A's agent only (and B's link to it).
    EXPECT_STATUS(apiA.del("/admin/agents/shared-agent"), 200);
    EXPECT_ERROR(apiA.get("/admin/agents/shared-agent"), 404, u"not_found"_s);
    {
        const HttpResponse bShared = apiB.get("/admin/agents/shared-agent");
        EXPECT_STATUS(bShared, 200);
        QCOMPARE(bShared.json().value(u"description"_s).toString(), u"B's agent"_s);
        QCOMPARE(stringList(bShared.json().value(u"effective_credentials"_s)),
                 QStringList{ u"shared-cred"_s });
        QVERIFY(apiB.get("/admin/agent-links").json().value(u"links"_s).toArray().isEmpty());
        // B's key still works (and opens B's credentials); A's is dead.
        const HttpResponse bServices = agentServices(tapd, sharedAgentKey.value(u"B"_s));
        EXPECT_STATUS(bServices, 200);
        QCOMPARE(bServices.json().value(u"home_team_id"_s).toString(), b.teamId);
        QCOMPARE(servicesByTeam(bServices).value(b.teamId), QStringList{ u"shared-cred"_s });
        QCOMPARE(servicesByTeam(bServices).size(), 1);
        EXPECT_ERROR(agentServices(tapd, sharedAgentKey.value(u"A"_s)), 401, u"unauthorized"_s);
        // A's failed rotate/disable attempts did not touch B's own agent either.
        const HttpResponse bAgentServices = agentServices(tapd, bAgentKey);
        EXPECT_STATUS(bAgentServices, 200);
        QCOMPARE(servicesByTeam(bAgentServices).value(b.teamId), QStringList{ u"b-cred"_s });
    }
    // Same for credentials: A's removal reports A's role only and leaves B's role intact.
    {
        const HttpResponse removed = apiA.del("/admin/credentials/shared-cred");
        EXPECT_STATUS(removed, 200);
        const QJsonObject from = removed.json().value(u"removed_from"_s).toObject();
        QCOMPARE(stringList(from.value(u"roles"_s)), QStringList{ u"shared-role"_s });
        QVERIFY(from.value(u"agents"_s).toArray().isEmpty());
        QCOMPARE(stringList(apiB.get("/admin/roles/shared-role").json().value(u"credentials"_s)),
                 QStringList{ u"shared-cred"_s });
        EXPECT_STATUS(apiB.get("/admin/credentials/shared-cred"), 200);
    }

    // Audit trails are per team.
    for (const auto &[api, account, mine, theirs] :
         { std::tuple{ &apiA, &a, u"a-role"_s, u"b-cred"_s },
           std::tuple{ &apiB, &b, u"b-cred"_s, u"a-role"_s } }) {
        const HttpResponse page = api->get("/admin/audit?limit=1000");
        EXPECT_STATUS(page, 200);
        const QJsonArray items = page.json().value(u"items"_s).toArray();
        QVERIFY(!items.isEmpty());
        QStringList targets;
        for (const QJsonValue &item : items) {
            QCOMPARE(item.toObject().value(u"team_id"_s).toString(), account->teamId);
            targets << item.toObject().value(u"target"_s).toString();
            QVERIFY(item.toObject().value(u"actor"_s).toString() == account->email);
        }
        QVERIFY2(targets.contains(mine), qPrintable(targets.join(u',')));
        QVERIFY2(!targets.contains(theirs), qPrintable(targets.join(u',')));
        const HttpResponse exported = api->get("/admin/audit/export");
        EXPECT_STATUS(exported, 200);
        int lines = 0;
        for (const QByteArray &line : exported.body.split('\n')) {
            if (line.isEmpty())
                continue;
            ++lines;
            QCOMPARE(QJsonDocument::fromJson(line).object().value(u"team_id"_s).toString(),
                     account->teamId);
        }
        QCOMPARE(lines, int(items.size()));
    }
    // A's deletion of "shared-agent" is in A's trail only.
    QCOMPARE(column(apiA.get("/admin/audit?action=agent.delete").json().value(u"items"_s),
                    u"target"_s),
             QStringList{ u"shared-agent"_s });
    QVERIFY(apiB.get("/admin/audit?action=agent.delete")
                    .json()
                    .value(u"items"_s)
                    .toArray()
                    .isEmpty());
}

// ---------------------------------------------------------------------------------------------
// 6. No secret leaves tapd: not in answers, not in the log, not in the audit export, not in
//    clear in the database.

void TestAdminApi::noSecretLeaks()
{
    // Telegram "reachable" at a closed local port: the channel test fails fast.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    QProcessEnvironment env;
    env.insert(u"TAP_TELEGRAM_API_BASE"_s, u"http://127.0.0.1:%1"_s.arg(closedPort));
    Tapd tapd;
    QList<HttpResponse> seen;
    tapd.setObserver([&seen](const HttpResponse &r) { seen.append(r); });
    if (!tapd.start(env))
        return;

    const QByteArray canary = QByteArrayLiteral("LEAK-CANARY");
    const QString password = u"pw-LEAK-CANARY-4"_s;
    Account acct;
    signUp(tapd, u"leak-team"_s, u"leak@example.com"_s, password, &acct);
    RETURN_IF_FAILED();
    const qsizetype loginIndex = seen.size() - 1;
    QVERIFY(seen.at(loginIndex).body.contains(acct.token));
    const HttpClient api = tapd.client(acct.token);
    const HttpClient anon = tapd.client();

    // Credentials, rotation, policy.
    EXPECT_STATUS(api.post("/admin/credentials",
                           { { u"name"_s, u"slack"_s },
                             { u"description"_s, u"Slack"_s },
                             { u"api_base"_s, u"https://slack.com/api"_s },
                             { u"value"_s, u"xoxb-LEAK-CANARY-1"_s } }),
                  201);
    EXPECT_STATUS(api.get("/admin/credentials/slack"), 200);
    EXPECT_STATUS(
            api.put("/admin/credentials/slack/value", { { u"value"_s, u"xoxb-LEAK-CANARY-2"_s } }),
            200);
    EXPECT_STATUS(api.patch("/admin/credentials/slack", { { u"description"_s, u"Slack bot"_s } }),
                  200);
    EXPECT_STATUS(api.get("/admin/credentials"), 200);
    EXPECT_STATUS(api.put("/admin/policies/slack",
                          { { u"auto_approve_methods"_s, QJsonArray{ u"GET"_s } } }),
                  200);
    EXPECT_STATUS(api.get("/admin/policies/slack"), 200);
    EXPECT_STATUS(api.post("/admin/roles",
                           { { u"name"_s, u"reader"_s },
                             { u"credentials"_s, QJsonArray{ u"slack"_s } } }),
                  201);

    // A channel with a bot token, and its test (Telegram is unreachable: 502).
    EXPECT_STATUS(api.post("/admin/notification-channels",
                           { { u"name"_s, u"ops"_s },
                             { u"channel_type"_s, u"telegram"_s },
                             { u"config"_s,
                               QJsonObject{ { u"chat_id"_s, u"-100123456"_s },
                                            { u"bot_token"_s, u"bot-LEAK-CANARY-3"_s } } } }),
                  201);
    EXPECT_STATUS(api.get("/admin/notification-channels"), 200);
    EXPECT_ERROR(api.post("/admin/notification-channels/ops/test"), 502, u"upstream_error"_s);

    // An agent; its key, then a rotated one.
    const HttpResponse agent =
            api.post("/admin/agents",
                     { { u"id"_s, u"leaky"_s }, { u"roles"_s, QJsonArray{ u"reader"_s } } });
    EXPECT_STATUS(agent, 201);
    const qsizetype agentIndex = seen.size() - 1;
    const QByteArray apiKey = agent.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(apiKey.startsWith("tap_"));
    EXPECT_STATUS(api.get("/admin/agents/leaky"), 200);
    const HttpResponse rotated = api.post("/admin/agents/leaky/rotate-key");
    EXPECT_STATUS(rotated, 200);
    const qsizetype rotateIndex = seen.size() - 1;
    const QByteArray apiKey2 = rotated.json().value(u"api_key"_s).toString().toLatin1();
    QVERIFY(apiKey2.startsWith("tap_") && apiKey2 != apiKey);
    EXPECT_STATUS(api.get("/admin/agents"), 200);
    EXPECT_ERROR(agentServices(tapd, apiKey), 401, u"unauthorized"_s); // rotated away at once
    EXPECT_STATUS(agentServices(tapd, apiKey2), 200);

    // Refused requests that carry secrets must not echo them.
    const qsizetype firstRefusal = seen.size();
    EXPECT_ERROR(anon.post("/signup",
                           { { u"team_name"_s, u"leak-two"_s },
                             { u"email"_s, u"not-an-email"_s },
                             { u"password"_s, password } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(anon.post("/signup",
                           { { u"team_name"_s, u"leak-team"_s },
                             { u"email"_s, u"leak2@example.com"_s },
                             { u"password"_s, password } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(anon.post("/signup",
                           { { u"team_name"_s, u"leak-three"_s },
                             { u"email"_s, u"leak@example.com"_s },
                             { u"password"_s, password } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, u"leak@example.com"_s },
                             { u"password"_s, QString(password + u"-wrong"_s) } }),
                 401, u"unauthorized"_s);
    EXPECT_ERROR(anon.post("/login",
                           { { u"email"_s, u"leak@example.com"_s },
                             { u"password"_s, password },
                             { u"remember"_s, true } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(
            anon.post("/login", { { u"email"_s, u"leak@example.com"_s }, { u"password"_s, 1234 } }),
            400, u"invalid_request"_s);
    EXPECT_ERROR(sendRaw(anon, "POST", "/login",
                         R"({"email": "leak@example.com", "password": "pw-LEAK-CANARY-4)"),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/credentials",
                          { { u"name"_s, u"sc"_s },
                            { u"description"_s, u"d"_s },
                            { u"connector"_s, u"sidecar"_s },
                            { u"value"_s, u"xoxb-LEAK-CANARY-5"_s } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/credentials",
                          { { u"name"_s, u"slack"_s },
                            { u"description"_s, u"d"_s },
                            { u"value"_s, u"xoxb-LEAK-CANARY-5"_s } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(
            api.put("/admin/credentials/nope/value", { { u"value"_s, u"xoxb-LEAK-CANARY-6"_s } }),
            404, u"not_found"_s);
    EXPECT_ERROR(api.put("/admin/credentials/slack/value", { { u"value"_s, 42 } }), 400,
                 u"invalid_request"_s);
    EXPECT_ERROR(api.patch("/admin/credentials/slack", { { u"value"_s, u"xoxb-LEAK-CANARY-7"_s } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(sendRaw(api, "POST", "/admin/credentials",
                         R"({"name": "mj", "description": "d", "value": "xoxb-LEAK-CANARY-8)"),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/notification-channels",
                          { { u"name"_s, u"bad"_s },
                            { u"channel_type"_s, u"telegram"_s },
                            { u"config"_s,
                              QJsonObject{ { u"chat_id"_s, u"nope"_s },
                                           { u"bot_token"_s, u"bot-LEAK-CANARY-9"_s } } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/notification-channels",
                          { { u"name"_s, u"bad"_s },
                            { u"channel_type"_s, u"telegram"_s },
                            { u"config"_s,
                              QJsonObject{ { u"chat_id"_s, u"-1001"_s },
                                           { u"bot_token"_s,
                                             u"bot LEAK-CANARY-10 with spaces"_s } } } }),
                 400, u"invalid_request"_s);
    EXPECT_ERROR(api.post("/admin/notification-channels",
                          { { u"name"_s, u"ops"_s },
                            { u"channel_type"_s, u"telegram"_s },
                            { u"config"_s,
                              QJsonObject{ { u"chat_id"_s, u"-1001"_s },
                                           { u"bot_token"_s, u"bot-LEAK-CANARY-11"_s } } } }),
                 409, u"conflict"_s);
    EXPECT_ERROR(tapd.client("taps_" + QByteArray(43, 'L')).get("/admin/team"), 401,
                 u"unauthorized"_s);
    const qsizetype lastRefusal = seen.size();

    // The audit trail, as a page and as the export.
    EXPECT_STATUS(api.get("/admin/audit?limit=1000"), 200);
    const HttpResponse exported = api.get("/admin/audit/export");
    EXPECT_STATUS(exported, 200);
    QVERIFY(exported.body.contains("credential.rotate"));
    EXPECT_STATUS(api.request("POST", "/logout"), 200);

    // Stop tapd: the log is complete and SQLite has checkpointed its WAL.
    QCOMPARE(tapd.stop(), 0);

    struct Place
    {
        QString name;
        QByteArray bytes;
    };
    QList<Place> places;
    for (qsizetype i = 0; i < seen.size(); ++i)
        places.append(
                { u"response #%1 (HTTP %2)"_s.arg(i).arg(seen.at(i).status), seen.at(i).raw });
    places.append({ u"tapd's stderr log"_s, tapd.log() });
    places.append({ u"the audit export"_s, exported.body });
    const QList<QByteArray> mails = tapd.allMails();
    for (const QByteArray &mail : mails)
        places.append({ u"a mail in the outbox"_s, mail });
    QVERIFY(!mails.isEmpty());
    QVERIFY(tapd.log().contains("\"msg\":\"request\""));

    if (tapd.isPostgres()) {
        // Every row of every table, as PostgreSQL prints it (bytea as \x hex).
        QByteArray dump;
        auto tables = tapd.postgres()->exec(
                u"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"_s);
        QVERIFY(tables.ok());
        QStringList names;
        while (tables->next())
            names << tables->value(0).toString();
        QVERIFY(names.contains(u"credentials"_s));
        for (const QString &table : std::as_const(names)) {
            auto rows = tapd.postgres()->exec(u"SELECT CAST(t AS text) FROM \"%1\" t"_s.arg(table));
            QVERIFY2(rows.ok(), qPrintable(table));
            while (rows->next())
                dump += table.toUtf8() + ": " + rows->value(0).toString().toUtf8() + '\n';
        }
        QVERIFY(dump.contains("leak@example.com"));
        places.append({ u"the PostgreSQL database"_s, dump });
    } else {
        QByteArray db;
        for (const QString &suffix : { u""_s, u"-wal"_s, u"-journal"_s }) {
            QFile f(tapd.dataDir() + u"/tap.db"_s + suffix);
            if (f.open(QIODevice::ReadOnly))
                db += f.readAll();
        }
        QVERIFY(db.contains("leak@example.com"));
        places.append({ u"the SQLite database file"_s, db });
    }

    // The canaries (credential values, bot tokens, the password) appear nowhere, not even hex
    // encoded (PostgreSQL prints bytea as hex); each agent key and the session token appear
    // only in the answer that issued it (the database holds keyed hashes).
    const QByteArray canaryHex = canary.toHex();
    for (qsizetype i = 0; i < places.size(); ++i) {
        const Place &p = places.at(i);
        QVERIFY2(!p.bytes.contains(canary), qPrintable(u"a secret is in "_s + p.name));
        QVERIFY2(!p.bytes.toLower().contains(canaryHex),
                 qPrintable(u"a secret (hex) is in "_s + p.name));
        for (const QByteArray &value :
             { QByteArrayLiteral("xoxb-LEAK-CANARY-1"), QByteArrayLiteral("xoxb-LEAK-CANARY-2"),
               QByteArrayLiteral("bot-LEAK-CANARY-3"), QByteArrayLiteral("pw-LEAK-CANARY-4") }) {
            const QByteArray b64 = value.toBase64(QByteArray::OmitTrailingEquals);
            QVERIFY2(!p.bytes.contains(b64), qPrintable(u"a secret (base64) is in "_s + p.name));
        }
        const bool isResponse = i < seen.size();
        QVERIFY2(!p.bytes.contains(acct.token) || (isResponse && i == loginIndex),
                 qPrintable(u"the session token is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(apiKey) || (isResponse && i == agentIndex),
                 qPrintable(u"the first agent key is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(apiKey2) || (isResponse && i == rotateIndex),
                 qPrintable(u"the rotated agent key is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(apiKey.mid(4)) || (isResponse && i == agentIndex),
                 qPrintable(u"the first agent key's body is in "_s + p.name));
        QVERIFY2(!p.bytes.contains(acct.token.mid(5)) || (isResponse && i == loginIndex),
                 qPrintable(u"the session token's body is in "_s + p.name));
    }
    QVERIFY(seen.at(agentIndex).body.contains(apiKey));
    QVERIFY(seen.at(rotateIndex).body.contains(apiKey2));
    // Refusals never echo what was sent (the password in particular).
    for (qsizetype i = firstRefusal; i < lastRefusal; ++i) {
        QVERIFY(seen.at(i).status >= 400);
        QVERIFY2(!seen.at(i).raw.contains(password.toUtf8()), seen.at(i).raw.constData());
        QVERIFY2(!seen.at(i).raw.contains("CANARY"), seen.at(i).raw.constData());
    }
}

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
