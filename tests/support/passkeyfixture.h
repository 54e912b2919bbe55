// Helpers of the passkey tests (tst_passkeys, tst_passkeys_reauth): a tapd with a team owner,
// WebAuthn ceremonies through tapd's admin API and the approval page with the software
// authenticator, re-authentication of a session, SQL on
// tapd's own database (to age stored timestamps instead of waiting) and the mail outbox.
#pragma once

#include "support/httpclient.h"
#include "support/softauthenticator.h"
#include "support/tapdharness.h"

#include "crypto/webauthn.h"
#include "store/database.h"
#include "store/databaseurl.h"

#include <QDir>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;

inline const QString kPasskeyPublicUrl = u"https://tap.example.test"_s;
inline const QString kPasskeyRpId = u"tap.example.test"_s;

inline QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(tap::crypto::webauthn::base64UrlEncode(bytes));
}

inline QByteArray unb64(const QJsonValue &v)
{
    return tap::crypto::webauthn::base64UrlDecode(v.toString()).value_or(QByteArray());
}

inline QProcessEnvironment passkeyEnv()
{
    QProcessEnvironment e;
    e.insert(u"TAP_PUBLIC_URL"_s, kPasskeyPublicUrl);
    return e;
}

// The password signUp() (tapdharness.h) gives the account of team `team`.
inline QString signUpPassword(const QString &team)
{
    return u"pw-"_s + team + u"-long-enough"_s;
}

// POST /admin/reauth with the password.
inline HttpResponse confirmPassword(const HttpClient &admin, const QString &password)
{
    return admin.post("/admin/reauth", { { u"password"_s, password } });
}

// POST /admin/reauth/passkey/begin, then /finish with `auth`'s assertion.
inline HttpResponse confirmPasskey(const HttpClient &admin, SoftAuthenticator &auth,
                                   const QString &origin = kPasskeyPublicUrl)
{
    const HttpResponse begin = admin.post("/admin/reauth/passkey/begin", {});
    if (begin.status != 200)
        return begin;
    const QJsonObject o = begin.json();
    const auto a = auth.get(unb64(o.value(u"challenge"_s)), origin, o.value(u"rp_id"_s).toString());
    return admin.post("/admin/reauth/passkey/finish",
                      { { u"challenge_id"_s, o.value(u"challenge_id"_s) },
                        { u"credential_id"_s, b64(a.credentialId) },
                        { u"client_data_json"_s, b64(a.clientDataJSON) },
                        { u"authenticator_data"_s, b64(a.authenticatorData) },
                        { u"signature"_s, b64(a.signature) } });
}

// Registers `auth`'s credential for the member behind `admin` (the session must carry a fresh
// proof); begin's failure is answered as is.
inline HttpResponse registerPasskey(const HttpClient &admin, SoftAuthenticator &auth,
                                    const QString &name, const QString &origin = kPasskeyPublicUrl)
{
    const HttpResponse begin = admin.post("/admin/passkeys/register/begin", {});
    if (begin.status != 200)
        return begin;
    const QJsonObject o = begin.json();
    const auto att = auth.create(unb64(o.value(u"challenge"_s)), origin,
                                 o.value(u"rp"_s).toObject().value(u"id"_s).toString());
    return admin.post("/admin/passkeys/register/finish",
                      { { u"challenge_id"_s, o.value(u"challenge_id"_s) },
                        { u"name"_s, name },
                        { u"client_data_json"_s, b64(att.clientDataJSON) },
                        { u"attestation_object"_s, b64(att.attestationObject) } });
}

// A tapd with the passkey tests' public URL and the owner of a team signed up on it.
struct PasskeyTeam
{
    Tapd tapd{ true, passkeyEnv() };
    QString password;
    Account owner;
    HttpClient admin{ 0 }; // the owner's session

    bool start(const QString &team)
    {
        if (!tapd.start())
            return false;
        password = signUpPassword(team);
        owner = signUp(tapd, team, team + u"@example.test"_s);
        if (owner.token.isEmpty())
            return false;
        admin = tapd.client(owner.token);
        return true;
    }
};

// The first passkey of a member without one: the password confirms the session, then `auth`
// registers as `name`.
inline bool addFirstPasskey(const HttpClient &admin, const QString &password,
                            SoftAuthenticator &auth, const QString &name)
{
    return verifyStatus(confirmPassword(admin, password), 200, "POST /admin/reauth", __FILE__,
                        __LINE__)
            && verifyStatus(registerPasskey(admin, auth, name), 201, "register a passkey", __FILE__,
                            __LINE__);
}

// The id of the first passkey GET /admin/passkeys lists.
inline QByteArray firstPasskeyId(const HttpClient &admin)
{
    return admin.get("/admin/passkeys")
            .json()
            .value(u"items"_s)
            .toArray()
            .at(0)
            .toObject()
            .value(u"id"_s)
            .toString()
            .toLatin1();
}

// The approval page's passkey step: begin gives a challenge, finish answers it with an assertion.
struct Begun
{
    QString challengeId;
    QByteArray challenge;
};

inline Begun approveBegin(const HttpClient &admin, const QByteArray &txn)
{
    const HttpResponse r = admin.post("/approve/" + txn + "/passkey/begin", {});
    verifyStatus(r, 200, "passkey/begin", __FILE__, __LINE__);
    return { r.json().value(u"challenge_id"_s).toString(), unb64(r.json().value(u"challenge"_s)) };
}

inline HttpResponse approveFinish(const HttpClient &admin, const QByteArray &txn, const Begun &b,
                                  const SoftAuthenticator::Assertion &a)
{
    return admin.post("/approve/" + txn + "/passkey/finish",
                      { { u"challenge_id"_s, b.challengeId },
                        { u"credential_id"_s, b64(a.credentialId) },
                        { u"client_data_json"_s, b64(a.clientDataJSON) },
                        { u"authenticator_data"_s, b64(a.authenticatorData) },
                        { u"signature"_s, b64(a.signature) } });
}

// A credential for the fake upstream whose policy requires a passkey for every request.
inline bool addPasskeyCredential(const HttpClient &admin, const QString &name, const QString &value)
{
    return verifyStatus(admin.post("/admin/credentials",
                                   { { u"name"_s, name },
                                     { u"description"_s, u"passkey-guarded"_s },
                                     { u"value"_s, value },
                                     { u"allowed_hosts"_s, strings({ u"127.0.0.1"_s }) } }),
                        201, "POST /admin/credentials", __FILE__, __LINE__)
            && setPolicy(admin, name, { { u"require_passkey"_s, true } });
}

// Runs `sql` on tapd's database (either backend) while tapd runs; false on an error.
inline bool execOnTapd(const Tapd &tapd, const QString &sql, const QVariantList &binds = {})
{
    if (tapd.isPostgres()) {
        auto r = tapd.postgres()->exec(sql, binds);
        if (!r)
            qWarning("%s", qPrintable(r.error().message()));
        return r.ok();
    }
    auto url = tap::store::DatabaseUrl::parse(u"sqlite:"_s + tapd.dataDir() + u"/tap.db"_s);
    if (!url)
        return false;
    auto db = tap::store::Database::open(url.value());
    if (!db)
        return false;
    auto r = db.value()->exec(sql, binds);
    if (!r)
        qWarning("%s", qPrintable(r.error().message()));
    db.value()->closeThreadConnection();
    return r.ok();
}

// The raw mails (headers and decoded body) in tapd's outbox addressed to `address`, oldest
// first.
inline QStringList outboxMailsTo(const Tapd &tapd, const QString &address)
{
    QStringList out;
    const QDir dir(tapd.dataDir() + u"/outbox"_s);
    for (const QString &name : dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray mail = f.readAll();
        const qsizetype split = mail.indexOf("\r\n\r\n");
        const QByteArray head = mail.left(split);
        if (!head.toLower().contains(address.toLower().toUtf8()))
            continue;
        const QByteArray body = mail.mid(split + 4);
        out << text(head) + u"\n\n"_s
                        + (head.toLower().contains("quoted-printable") ? decodeQuotedPrintable(body)
                                                                       : text(body));
    }
    return out;
}

inline QStringList mailsWith(const QStringList &mails, const QString &needle)
{
    QStringList out;
    for (const QString &m : mails) {
        if (m.contains(needle))
            out << m;
    }
    return out;
}

} // namespace tap::test
