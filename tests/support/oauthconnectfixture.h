// Per-agent OAuth 2.0 connect against tapd and tests/support/fake_oauth2_server.py (README
// "Connecting an OAuth 2.0 credential"): oauth2 credentials whose client is registered at the
// fake, the connect call, the browser's trip through /authorize, the callback. Builds on
// forwardfixture.h; every client secret, code, state and token is a secret of the fixture.
#pragma once

#include "support/forwardfixture.h"

#include <QUrlQuery>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

class ConnectSuite : public ForwardSuite
{
protected:
    void startConnectSuite()
    {
        startSuite();
        QVERIFY(m_oauth.start(u"fake_oauth2_server.py"_s));
    }
    // Every token the fake issued is a secret too; then no secret in any trail.
    void finishConnectSuite()
    {
        const QJsonObject tokens = HttpClient(m_oauth.port()).get("/_tokens").json();
        for (auto &entry : m_fixtures) {
            if (!entry.second) // a backend that was skipped (no PostgreSQL configured)
                continue;
            for (const QString &list : { u"access"_s, u"refresh"_s }) {
                for (const QJsonValue &t : tokens.value(list).toArray())
                    entry.second->secrets.append({ u"fake "_s + list, utf8(t.toString()) });
            }
        }
        finishSuite(TrailCheck::Verify);
        m_oauth.stop();
    }

    QByteArray fakeUrl(const QByteArray &path) const { return m_oauth.url(path); }

    // An oauth2 credential whose client the fake knows (redirect URI: tapd's callback).
    bool addOAuth2(Fixture &f, const HttpClient &admin, const QString &name,
                   const QJsonObject &extra = {})
    {
        const QByteArray n = QByteArray::number(++f.serial * 7919 + 100003);
        const QString clientId = u"client-"_s + name + u'-' + text(n);
        const QByteArray secret = "cs+/=&~ LEAK-" + n;
        const QJsonObject client{ { u"client_id"_s, clientId },
                                  { u"client_secret"_s, text(secret) } };
        QJsonObject body{ { u"name"_s, name },
                          { u"description"_s, QString(u"oauth2 "_s + name) },
                          { u"kind"_s, u"oauth2"_s },
                          { u"token_url"_s, text(fakeUrl("/token")) },
                          { u"authorize_url"_s, text(fakeUrl("/authorize")) },
                          { u"scopes"_s, u"mail.read mail.send"_s },
                          { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) },
                          { u"value"_s, client } };
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        f.secrets.append({ name + u" client_secret"_s, secret });

        const HttpResponse c =
                HttpClient(m_oauth.port()).post("/_control", { { u"add_client"_s, client } });
        if (!verifyStatus(c, 200, "POST /_control add_client", __FILE__, __LINE__))
            return false;
        return verifyStatus(admin.post("/admin/credentials", body), 201,
                            qPrintable(u"POST /admin/credentials "_s + name), __FILE__, __LINE__);
    }

    static QByteArray scopeQuery(const QString &kind, const QString &id)
    {
        if (kind.isEmpty())
            return {};
        return "?scope_kind=" + utf8(kind) + "&scope_id=" + QUrl::toPercentEncoding(id);
    }

    // POST .../connect; the authorization URL (empty and a recorded failure otherwise).
    QUrl startConnect(const HttpClient &admin, const QString &name, const QString &kind = {},
                      const QString &id = {})
    {
        const HttpResponse r =
                admin.post("/admin/credentials/" + utf8(name) + "/connect" + scopeQuery(kind, id));
        if (!verifyStatus(r, 200, "POST .../connect", __FILE__, __LINE__))
            return {};
        m_lastConnect = r.json();
        return QUrl(r.json().value(u"authorization_url"_s).toString(), QUrl::StrictMode);
    }

    static QString param(const QUrl &url, const QString &key)
    {
        return QUrlQuery(url).queryItemValue(key, QUrl::FullyDecoded);
    }

    // The browser at the provider: /authorize with auto_approve=1 (as "Allow"); the path and
    // query of tapd's callback it is sent to (empty and a recorded failure otherwise).
    QByteArray authorize(Fixture &f, const QUrl &authorizationUrl)
    {
        QUrl u = authorizationUrl;
        QUrlQuery q(u);
        q.addQueryItem(u"auto_approve"_s, u"1"_s);
        u.setQuery(q);
        const HttpResponse r = HttpClient(quint16(u.port()))
                                       .get(u.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority
                                                       | QUrl::FullyEncoded)
                                                    .toLatin1());
        if (!verifyStatus(r, 302, "GET /authorize", __FILE__, __LINE__))
            return {};
        const QUrl back(text(r.header("Location")), QUrl::StrictMode);
        f.secrets.append({ u"authorization code"_s, utf8(param(back, u"code"_s)) });
        f.secrets.append({ u"state"_s, utf8(param(back, u"state"_s)) });
        return back.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded)
                .toLatin1();
    }

    QJsonObject stats() const { return HttpClient(m_oauth.port()).get("/_stats").json(); }
    int exchanges() const
    {
        int n = 0;
        const QJsonObject all = stats().value(u"code_exchanges"_s).toObject();
        for (auto it = all.begin(); it != all.end(); ++it)
            n += it.value().toInt();
        return n;
    }
    void control(const QJsonObject &body) const
    {
        QCOMPARE(HttpClient(m_oauth.port()).post("/_control", body).status, 200);
    }

    // The row's parts_set.
    static QStringList partsSet(const HttpClient &admin, const QString &name,
                                const QString &kind = {}, const QString &id = {})
    {
        const HttpResponse r = admin.get("/admin/credentials/" + utf8(name) + scopeQuery(kind, id));
        QStringList out;
        for (const QJsonValue &v : r.json().value(u"parts_set"_s).toArray())
            out << v.toString();
        return out;
    }

    Upstream m_oauth;
    QJsonObject m_lastConnect;
};

} // namespace tap::test
