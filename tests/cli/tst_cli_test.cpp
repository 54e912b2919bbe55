// `tap test` (the real binary) against a real tapd on both backends and the fake upstream: the
// forwarded path with the upstream status, a refused host, grant and rate, a request parked for
// approval (denied again at once), a given agent key, an unknown credential, the server down;
// the temporary agent is always deleted and no secret (credential value, agent key) is printed.
#include "clitest.h"

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;
using namespace tap::test::cli;

namespace {

const QByteArray kSecret = "sk-cli-test-secret-4f1d2c9e8b7a";

// Agent ids of the team (tap test's temporary agents are named tap-test-…).
QStringList agentIds(const World &w)
{
    QStringList ids;
    for (const QJsonValue &a : w.admin().get("/admin/agents").json().value(u"agents"_s).toArray())
        ids << a[u"id"_s].toString();
    return ids;
}

// No credential value and no agent key in anything tap printed.
bool clean(const Run &r)
{
    static const QRegularExpression key(u"tap_[A-Za-z0-9_-]{8,}"_s);
    for (const QByteArray &stream : { r.out, r.err }) {
        if (stream.contains(kSecret) || key.match(text(stream)).hasMatch()) {
            QTest::qFail(qPrintable(u"a secret in the output: "_s + r.describe()), __FILE__,
                         __LINE__);
            return false;
        }
    }
    return true;
}

QJsonObject step(const Run &r, const QString &name)
{
    return byKey(r.json().value(u"steps"_s).toArray(), u"step"_s, name);
}

} // namespace

class TestCliTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { requireTapBinary(); }
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void forwardedAndRefused();
    void approvalGivenKeyAndRate();
    void unknownCredentialAndServerDown();
    void interruptedStillDeletesAgent();

private:
    bool prepare(World &w, Upstream &up, const QString &team);
};

bool TestCliTest::prepare(World &w, Upstream &up, const QString &team)
{
    if (!setUp(w, team) || !up.start() || !logIn(w))
        return false;
    const HttpResponse r = w.admin().post("/admin/credentials",
                                          { { u"name"_s, u"echo"_s },
                                            { u"description"_s, u"the fake upstream's echo"_s },
                                            { u"value"_s, text(kSecret) },
                                            { u"api_base"_s, text(up.url("/echo")) } });
    return verifyStatus(r, 201, "POST /admin/credentials", __FILE__, __LINE__)
            && setPolicy(w.admin(), u"echo"_s,
                         { { u"auto_approve_methods"_s, strings({ u"GET"_s }) },
                           { u"require_approval_methods"_s, strings({ u"POST"_s }) } });
}

void TestCliTest::forwardedAndRefused()
{
    World w;
    Upstream up;
    QVERIFY(prepare(w, up, u"cli-test-fwd"_s));
    // The OK path: the default target is the credential's API base.
    const int before = up.count();
    const Run ok = w.tap({ u"test"_s, u"echo"_s });
    TAP_OK(ok);
    QVERIFY(clean(ok));
    QVERIFY2(ok.out.contains("upstream  200") && ok.out.contains("grant     ok")
                     && ok.out.contains("was deleted"),
             ok.out.constData());
    const QJsonArray got = up.since(before);
    QCOMPARE(got.size(), 1);
    QCOMPARE(got.at(0)[u"path"_s].toString(), u"/echo"_s);
    QCOMPARE(headerValue(got.at(0).toObject(), "Authorization"), "Bearer " + kSecret);

    const Run json = w.tap(
            { u"test"_s, u"echo"_s, u"--json"_s, u"--target"_s, text(up.url("/status/418")) });
    TAP_OK(json);
    QVERIFY(clean(json));
    QCOMPARE(json.json().value(u"outcome"_s).toString(), u"forwarded"_s);
    QCOMPARE(json.json().value(u"upstream_status"_s).toInt(), 418);
    QCOMPARE(step(json, u"upstream"_s).value(u"verdict"_s).toString(), u"418"_s);
    QCOMPARE(step(json, u"policy"_s).value(u"verdict"_s).toString(), u"ok"_s);
    QCOMPARE(json.json()[u"agent"_s][u"deleted"_s].toBool(), true);
    QVERIFY(json.json()[u"agent"_s][u"id"_s].toString().startsWith(u"tap-test-"_s));

    // A host outside the credential's allowed_hosts: it waits for a person at the host step
    // (#15 item 4), the test request is denied at once, nothing is sent.
    const int sent = up.count();
    const Run host =
            w.tap({ u"test"_s, u"echo"_s, u"--target"_s, u"https://elsewhere.example/x"_s });
    QCOMPARE(host.code, 0);
    QVERIFY(clean(host));
    QVERIFY2(host.out.contains("host      approval required")
                     && host.out.contains("rate      not reached"),
             host.out.constData());
    const Run hostJson = w.tap(
            { u"test"_s, u"echo"_s, u"--json"_s, u"--target"_s, u"https://elsewhere.example/x"_s });
    QCOMPARE(hostJson.code, 0);
    QCOMPARE(hostJson.json().value(u"outcome"_s).toString(), u"approval_required"_s);
    QCOMPARE(hostJson.json()[u"approval"_s][u"cancelled"_s].toBool(), true);
    QCOMPARE(step(hostJson, u"host"_s).value(u"verdict"_s).toString(), u"approval required"_s);
    QCOMPARE(step(hostJson, u"grant"_s).value(u"verdict"_s).toString(), u"ok"_s);
    QCOMPARE(up.count(), sent);
    // Every temporary agent is gone.
    QCOMPARE(agentIds(w), QStringList());
    QVERIFY(!w.tapd.log().contains(kSecret));
}

void TestCliTest::approvalGivenKeyAndRate()
{
    World w;
    Upstream up;
    QVERIFY(prepare(w, up, u"cli-test-appr"_s));
    // POST needs approval: reported, and the parked request denied again at once.
    const int before = up.count();
    const Run parked = w.tap({ u"test"_s, u"echo"_s, u"--method"_s, u"POST"_s, u"--json"_s });
    TAP_OK(parked);
    QVERIFY(clean(parked));
    QCOMPARE(parked.json().value(u"outcome"_s).toString(), u"approval_required"_s);
    QCOMPARE(step(parked, u"policy"_s).value(u"verdict"_s).toString(), u"approval required"_s);
    QCOMPARE(parked.json()[u"approval"_s][u"cancelled"_s].toBool(), true);
    const HttpResponse pending = w.admin().get("/admin/approvals?status=pending");
    QCOMPARE(pending.json().value(u"items"_s).toArray().size(), 0);
    QCOMPARE(up.count(), before);

    // A given key (from a file): used as is, the agent kept, the key not printed.
    const QByteArray key = addAgent(w.admin(), u"given"_s, { u"echo"_s });
    QVERIFY(!key.isEmpty());
    const QString keyFile = w.home.filePath(u"agent.key"_s);
    QFile f(keyFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(key + '\n');
    f.close();
    const Run given = w.tap({ u"test"_s, u"echo"_s, u"--agent-key-file"_s, keyFile });
    TAP_OK(given);
    QVERIFY(clean(given));
    QVERIFY2(given.out.contains("the given agent key") && given.out.contains("upstream  200"),
             given.out.constData());
    // An agent without the credential: refused at grant.
    const QByteArray noGrant = addAgent(w.admin(), u"no-grant"_s, {});
    const Run grant = w.tap({ u"test"_s, u"echo"_s, u"--agent-key-file"_s, u"-"_s, u"--json"_s },
                            noGrant + '\n');
    QCOMPARE(grant.code, 1);
    QVERIFY(clean(grant));
    QCOMPARE(grant.json().value(u"refused_at"_s).toString(), u"grant"_s);
    QCOMPARE(grant.json()[u"error"_s][u"code"_s].toString(), u"credential_not_allowed"_s);
    // One request an hour: the second is refused at rate.
    const QByteArray slow = addAgent(w.admin(), u"slow"_s, { u"echo"_s }, {}, 1);
    TAP_OK(w.tap({ u"test"_s, u"echo"_s, u"--agent-key-file"_s, u"-"_s }, slow + '\n'));
    const Run rate = w.tap({ u"test"_s, u"echo"_s, u"--agent-key-file"_s, u"-"_s, u"--json"_s },
                           slow + '\n');
    QCOMPARE(rate.code, 1);
    QCOMPARE(rate.json().value(u"refused_at"_s).toString(), u"rate"_s);
    QCOMPARE(step(rate, u"host"_s).value(u"verdict"_s).toString(), u"ok"_s);
    QCOMPARE(step(rate, u"policy"_s).value(u"verdict"_s).toString(), u"not reached"_s);
    QStringList ids = agentIds(w);
    ids.sort();
    QCOMPARE(ids, QStringList({ u"given"_s, u"no-grant"_s, u"slow"_s }));
}

void TestCliTest::unknownCredentialAndServerDown()
{
    World w;
    Upstream up;
    QVERIFY(prepare(w, up, u"cli-test-bad"_s));
    TAP_FAILS(w.tap({ u"test"_s, u"nope"_s }), 1, "no credential named \"nope\"");
    TAP_FAILS(w.tap({ u"test"_s }), 2, "missing argument CREDENTIAL");
    TAP_FAILS(w.tap({ u"test"_s, u"echo"_s, u"--method"_s, u"GE T"_s }), 2, "--method");
    QCOMPARE(agentIds(w), QStringList());
    QCOMPARE(w.tapd.stop(), 0);
    const Run down = w.tap({ u"test"_s, u"echo"_s });
    TAP_FAILS(down, 1, "cannot reach the TAP server");
    QCOMPARE(down.err.count('\n'), 1);
}

// Ctrl-C while the request waits for a slow upstream: tap ends with one line, and the
// temporary agent is deleted all the same.
void TestCliTest::interruptedStillDeletesAgent()
{
    World w;
    Upstream up;
    QVERIFY(prepare(w, up, u"cli-test-int"_s));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, w.home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, w.home.path() + u"/config"_s);
    env.insert(u"TAP_URL"_s, w.url());
    env.remove(u"TAP_SESSION"_s);
    p.setProcessEnvironment(env);
    const int before = up.count();
    p.start(qEnvironmentVariable("TAP_CLI_BINARY"),
            { u"test"_s, u"echo"_s, u"--target"_s, text(up.url("/slow?ms=25000")) });
    QVERIFY(p.waitForStarted(kCliTimeoutMs));
    p.closeWriteChannel();
    QTRY_VERIFY_WITH_TIMEOUT(up.count() > before, kCliTimeoutMs);
    QCOMPARE(agentIds(w).size(), 1);
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(kCliTimeoutMs));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.startsWith("tap: interrupted") && err.count('\n') == 1, err.constData());
    QCOMPARE(agentIds(w), QStringList());
}

QTEST_GUILESS_MAIN(TestCliTest)
#include "tst_cli_test.moc"
