// The shared state of the oauth2 tests (tests/service/tst_forward_oauth2*.cpp, README "OAuth
// 2.0 credentials"): ForwardSuite plus the fake authorization server
// (fake_oauth2_server.py, first checked with --self-test), tapds of their own (200
// connections from one client), and helpers that make oauth2 credentials whose parts and
// tokens are secrets of the fixture (leak checks). Builds on forwardfixture.h.
#pragma once

#include "support/forwardfixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <thread>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

class OAuth2Suite : public ForwardSuite
{
protected:
    void startOAuth2Suite()
    {
        QProcess check;
        check.setProcessChannelMode(QProcess::MergedChannels);
        check.start(u"python3"_s,
                    { QStringLiteral(TAP_TEST_SUPPORT_DIR "/fake_oauth2_server.py"),
                      u"--self-test"_s });
        QVERIFY(check.waitForFinished(60000));
        const QByteArray out = check.readAll();
        QVERIFY2(check.exitCode() == 0 && out.contains("SELF TEST OK"), out.constData());
        startSuite();
        QVERIFY(m_as.start(u"fake_oauth2_server.py"_s));
    }
    void finishOAuth2Suite()
    {
        addIssuedTokens();
        for (auto &w : m_worlds)
            verifyNoSecretInTrails(*w, 0);
        m_worlds.clear();
        finishSuite(TrailCheck::Verify);
        m_as.stop();
    }

    // A tapd of its own (env: extra settings, e.g. the crash hook) with an account.
    Fixture *world(const QProcessEnvironment &extra = {})
    {
        auto f = std::make_unique<Fixture>();
        QProcessEnvironment env = extra;
        env.insert(u"TAP_MAX_CONNECTIONS_PER_CLIENT"_s, u"1000"_s);
        f->tapd.setExtraEnvironment(env);
        if (!f->tapd.start())
            return nullptr;
        f->main = f->newAccount(u"main"_s);
        if (f->main.token.isEmpty())
            return nullptr;
        m_worlds.push_back(std::move(f));
        return m_worlds.back().get();
    }

    QJsonObject control(const QJsonObject &body)
    {
        return HttpClient(m_as.port()).post("/_control", body).json();
    }
    QJsonObject stats() { return HttpClient(m_as.port()).get("/_stats").json(); }
    int refreshes(const QString &client)
    {
        return stats().value(u"refreshes"_s).toObject().value(client).toInt();
    }

    // A client registered at the fake, a refresh token issued to it, and an oauth2 credential
    // `name` with them given to a new agent (f.keys[name]); `extra` replaces fields of the
    // credential (token_url, allowed_hosts...). Answers the client id.
    QString addOAuth2(Fixture &f, const QString &name, bool withRefreshToken = true,
                      const QJsonObject &extra = {})
    {
        // Unique over the whole run: one fake serves every backend's tapd.
        const QString n = QString::number(++m_clients * 7919 + 100003);
        ++f.serial;
        const QString client = u"cid-LEAK-"_s + name + n;
        const QString secret = u"cs+/= LEAK-"_s + n;
        control({ { u"add_client"_s,
                    QJsonObject{ { u"client_id"_s, client }, { u"client_secret"_s, secret } } } });
        QJsonObject parts{ { u"client_id"_s, client }, { u"client_secret"_s, secret } };
        if (withRefreshToken)
            parts.insert(u"refresh_token"_s, issueRefreshToken(client));
        f.secrets += partSecrets(name, parts);
        const HttpClient admin = f.tapd.client(f.main.token);
        QJsonObject body{
            { u"name"_s, name },        { u"description"_s, QString(u"oauth2 "_s + name) },
            { u"kind"_s, u"oauth2"_s }, { u"token_url"_s, text(m_as.url("/token")) },
            { u"value"_s, parts },      { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) }
        };
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResponse r = admin.post("/admin/credentials", body);
        if (!verifyStatus(r, 201, "POST /admin/credentials", __FILE__, __LINE__))
            return {};
        if (!autoApprove(admin, name))
            return {};
        f.keys[name] = addAgent(admin, name + u"-agent"_s, { name });
        return client;
    }
    QString issueRefreshToken(const QString &client)
    {
        return control({ { u"issue_refresh_token"_s, QJsonObject{ { u"client_id"_s, client } } } })
                .value(u"refresh_token"_s)
                .toString();
    }

    // `count` requests at once through `ports` (round robin); the answers.
    std::vector<HttpResponse> burst(const QList<quint16> &ports, const QByteArray &key,
                                    const QString &credential, int count)
    {
        std::vector<HttpResponse> answers;
        answers.resize(size_t(count));
        std::vector<std::thread> threads;
        for (int i = 0; i < count; ++i)
            threads.emplace_back([&, i] {
                answers[size_t(i)] = forward(ports.at(i % ports.size()),
                                             { key, credential.toUtf8(), m_as.url("/api/x") });
            });
        for (auto &t : threads)
            t.join();
        return answers;
    }

    // Every token the fake issued becomes a secret of every world (trail checks).
    void addIssuedTokens()
    {
        const QJsonObject all = HttpClient(m_as.port()).get("/_tokens").json();
        for (auto &w : m_worlds) {
            for (const char *kind : { "access", "refresh" }) {
                const QJsonArray tokens = all.value(QLatin1String(kind)).toArray();
                for (const QJsonValue &t : tokens)
                    w->secrets.append({ QString::fromLatin1(kind), t.toString().toUtf8() });
            }
        }
    }

    Upstream m_as; // the fake authorization and resource server
    int m_clients = 0;
    std::vector<std::unique_ptr<Fixture>> m_worlds;
};

#define WORLD(f, ...)              \
  Fixture *f = world(__VA_ARGS__); \
  if (!f)                          \
    return;

} // namespace tap::test
