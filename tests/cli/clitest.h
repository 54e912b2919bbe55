// Shared by the tests of the real `tap` binary (tst_cli, tst_cli_admin): a tapd
// (tests/support/tapdharness.h) with a signed-up owner, and `tap` run through QProcess with a
// private configuration directory.
#pragma once

#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace tap::test::cli {

using namespace Qt::Literals::StringLiterals;

constexpr int kCliTimeoutMs = 60000;

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QString describe() const
    {
        return u"exit %1\nstdout: %2\nstderr: %3"_s.arg(code).arg(text(out), text(err));
    }
};

// A tapd with a signed-up owner and a private configuration directory for `tap` (and no
// keychain: the session lives in the fallback file unless extraEnv names a session bus).
struct World
{
    Tapd tapd;
    QTemporaryDir home;
    Account owner;
    QString password;
    QProcessEnvironment extraEnv;

    QString url() const { return u"http://127.0.0.1:%1"_s.arg(tapd.port()); }
    QString sessionFile() const { return home.path() + u"/config/tap/session.json"_s; }
    HttpClient admin() const { return tapd.client(owner.token); }

    // The environment of `tap`: no TAP_* of the caller, this world's configuration and server.
    QProcessEnvironment environment(bool withUrl = true) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys()) {
            if (key.startsWith(u"TAP_"_s))
                env.remove(key);
        }
        env.insert(u"HOME"_s, home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, home.path() + u"/config"_s);
        // No keychain unless a test brings its own (secretservice.h): never the developer's
        // session bus, and the fallback file is what these tests see.
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path="_s + home.path() + u"/no-bus"_s);
        if (withUrl && tapd.port() != 0)
            env.insert(u"TAP_URL"_s, url());
        for (const QString &key : extraEnv.keys())
            env.insert(key, extraEnv.value(key));
        return env;
    }

    Run tap(const QStringList &args, const QByteArray &input = {}, bool withUrl = true) const
    {
        QProcess p;
        p.setProcessEnvironment(environment(withUrl));
        p.start(qEnvironmentVariable("TAP_CLI_BINARY"), args);
        Run r;
        if (!p.waitForStarted(kCliTimeoutMs))
            return r;
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(kCliTimeoutMs)) {
            p.kill();
            p.waitForFinished();
            r.err = "timed out";
            return r;
        }
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }
};

// The initTestCase() of every CLI test program: the tap under test exists.
inline void requireTapBinary()
{
    QVERIFY2(QFileInfo(qEnvironmentVariable("TAP_CLI_BINARY")).isExecutable(),
             "TAP_CLI_BINARY must point at tap");
}

inline bool setUp(World &w, const QString &team)
{
    if (!w.home.isValid() || !w.tapd.start())
        return false;
    w.owner = signUp(w.tapd, team, team + u"@example.test"_s);
    w.password = u"pw-"_s + team + u"-long-enough"_s; // tapdharness.h's signUp
    return !w.owner.token.isEmpty();
}

inline bool logIn(World &w)
{
    const Run r = w.tap({ u"login"_s, u"--email"_s, w.owner.email }, w.password.toUtf8() + '\n');
    if (r.code != 0) {
        QTest::qFail(qPrintable(u"tap login: "_s + r.describe()), __FILE__, __LINE__);
        return false;
    }
    return true;
}

#define TAP_OK(run)                                                                              \
  do {                                                                                           \
    if ((run).code != 0) {                                                                       \
      QTest::qFail(qPrintable(QString::fromLatin1(#run) + u": "_s + (run).describe()), __FILE__, \
                   __LINE__);                                                                    \
      return;                                                                                    \
    }                                                                                            \
  } while (false)

// Exit code `c` and one line on stderr containing `needle`.
#define TAP_FAILS(run, c, needle)                                                                 \
  do {                                                                                            \
    const Run &r_ = (run);                                                                        \
    if (r_.code != (c) || !r_.err.contains(needle) || !r_.out.isEmpty()) {                        \
      QTest::qFail(                                                                               \
              qPrintable(u"expected exit %1 and \"%2\": "_s.arg(c).arg(QString::fromUtf8(needle)) \
                         + r_.describe()),                                                        \
              __FILE__, __LINE__);                                                                \
      return;                                                                                     \
    }                                                                                             \
  } while (false)

inline QJsonObject byKey(const QJsonArray &rows, const QString &key, const QString &value)
{
    for (const QJsonValue &v : rows) {
        if (v[key].toString() == value)
            return v.toObject();
    }
    return {};
}

} // namespace tap::test::cli
