// A local forward proxy for tapd's tests (fake_proxy.py, relaying to loopback only): started on
// a free port; asked() lists what it was asked, in order (README "The data plane").
#pragma once

#include "support/httpclient.h"
#include "support/tapdharness.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

class FakeProxy
{
public:
    ~FakeProxy()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool start()
    {
        const QString script = QStringLiteral(TAP_TEST_SUPPORT_DIR "/fake_proxy.py");
        m_port = startPythonFake(m_process, script, m_dir.path() + u"/proxy.log"_s);
        if (m_port == 0)
            QTest::qFail(qPrintable(u"the fake proxy did not start: "_s + script), __FILE__,
                         __LINE__);
        return m_port != 0;
    }

    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_port); }
    // "METHOD target" of every request the proxy was asked, in order.
    QStringList asked() const
    {
        HttpClient c(m_port);
        c.setTimeoutMs(kRequestTimeoutMs);
        QStringList out;
        for (const QJsonValue &v : c.get("/__log").json().value(u"requests"_s).toArray())
            out << v[u"method"_s].toString() + u' ' + v[u"target"_s].toString();
        return out;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace tap::test
