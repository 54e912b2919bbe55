// The shared state of the signing-kind tests (tests/service/tst_forward_signing*.cpp, README
// "Signing credentials"): ForwardSuite plus the two signature-checking fake upstreams
// (fake_oauth1_upstream.py, fake_sigv4_upstream.py), each first checked against published
// examples (--self-test), and helpers that make oauth1 / aws_sigv4 credentials whose parts
// are secrets of the fixture (leak checks). Builds on forwardfixture.h.
#pragma once

#include "support/forwardfixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

class SigningSuite : public ForwardSuite
{
protected:
    // initTestCase(): the fakes pass their self tests, then tapd, the fake upstream and both
    // signing fakes run.
    void startSigningSuite()
    {
        // The fakes' own signature code agrees with the published examples first: a fake that
        // accepted tapd's signatures would otherwise prove nothing.
        for (const QString &script :
             { u"fake_oauth1_upstream.py"_s, u"fake_sigv4_upstream.py"_s }) {
            QProcess check;
            check.setProcessChannelMode(QProcess::MergedChannels);
            check.start(u"python3"_s,
                        { QStringLiteral(TAP_TEST_SUPPORT_DIR "/") + script, u"--self-test"_s });
            QVERIFY(check.waitForFinished(60000));
            const QByteArray out = check.readAll();
            QVERIFY2(check.exitCode() == 0 && out.contains("SELF TEST OK"), out.constData());
        }
        startSuite();
        QVERIFY(m_oauth.start(u"fake_oauth1_upstream.py"_s));
        QVERIFY(m_sigv4.start(u"fake_sigv4_upstream.py"_s));
    }
    // cleanupTestCase(): no part in any audit record, export or log; everything stops.
    void finishSigningSuite()
    {
        finishSuite(TrailCheck::Verify);
        m_oauth.stop();
        m_sigv4.stop();
    }

    // The parts of a credential, each also a secret of the fixture (leak checks).
    QJsonObject oauthParts(Fixture &f, const QString &name)
    {
        const QByteArray n = QByteArray::number(++f.serial * 7919 + 100003);
        // Characters that percent-encode differently (RFC 5849 §3.6) in the secrets.
        const QJsonObject parts{ { u"consumer_key"_s, text("ck-LEAK-" + n) },
                                 { u"consumer_secret"_s, text("cs+/=&~ LEAK-" + n) },
                                 { u"token"_s, text("tok-LEAK-" + n) },
                                 { u"token_secret"_s, text("ts%20 é-LEAK-" + n) } };
        f.secrets += partSecrets(name, parts);
        return parts;
    }

    QJsonObject awsParts(Fixture &f, const QString &name, bool session)
    {
        const QByteArray n = QByteArray::number(++f.serial * 7919 + 100003);
        QJsonObject parts{ { u"access_key_id"_s, text("AKIALEAK" + n) },
                           { u"secret_access_key"_s, text("wJalr/K7MDENG+bPxRfi-LEAK-" + n) } };
        if (session)
            parts.insert(u"session_token"_s, text("FwoGZXIvYXdzEJr//////////LEAK-" + n + "=="));
        f.secrets += partSecrets(name, parts);
        return parts;
    }

    // Creates a signing credential, auto-approves it (unless told not to) and gives it to a new
    // agent, whose key is f.keys[name].
    bool addSigning(Fixture &f, const QString &name, const QString &kind, const QJsonObject &parts,
                    QJsonObject extra = {}, bool autoApproved = true)
    {
        const HttpClient admin = f.tapd.client(f.main.token);
        extra.insert(u"name"_s, name);
        extra.insert(u"description"_s, QString(u"signing "_s + kind));
        extra.insert(u"kind"_s, kind);
        extra.insert(u"value"_s, parts);
        extra.insert(u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }));
        const HttpResponse r = admin.post("/admin/credentials", extra);
        if (!verifyStatus(r, 201, qPrintable(u"POST /admin/credentials "_s + name), __FILE__,
                          __LINE__))
            return false;
        if (autoApproved && !autoApprove(admin, name))
            return false;
        f.keys[name] = addAgent(admin, name + u"-agent"_s, { name });
        return !f.keys[name].isEmpty();
    }

    void registerKeys(const Upstream &upstream, const QJsonObject &keys)
    {
        HttpClient c(upstream.port());
        const HttpResponse r = c.post("/__keys", keys);
        QCOMPARE(r.status, 200);
    }

    QJsonObject lastEntry(const Upstream &upstream)
    {
        const QJsonArray all = upstream.since(qMax(0, upstream.count() - 1));
        return all.isEmpty() ? QJsonObject() : all.last().toObject();
    }

    Upstream m_oauth;
    Upstream m_sigv4;
};

} // namespace tap::test
