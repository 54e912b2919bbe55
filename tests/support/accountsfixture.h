// The shared fixture of the account logic tests (tests/service/tst_accounts*.cpp): one fresh
// migrated database per test function and a real admin::Context around it (SQLite and
// PostgreSQL, a fake clock), async calls awaited, and the mails of the outbox directory read as
// a user would. The services are driven in the wire format through accountcalls.h. Builds on
// testdatabases.h and fakeclock.h.
#pragma once

#include "admin/accounts.h"
#include "admin/context.h"
#include "admin/members.h"
#include "channels/mailer.h"
#include "core/random.h"
#include "crypto/keyring.h"
#include "crypto/passwordhasher.h"
#include "store/database.h"
#include "store/migrator.h"
#include "store/vault.h"
#include "support/accountcalls.h"
#include "support/fakeclock.h"
#include "support/testdatabases.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace tap::test {

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

using tap::admin::AccountService;
using tap::admin::Actor;
using tap::admin::MemberService;
using tap::core::ErrorCode;
using tap::core::Result;

inline constexpr auto kPassword = "correct horse battery"; // ASCII; see pw()
inline constexpr int kAsyncTimeoutMs = 30000;

inline QString pw()
{
    return QString::fromLatin1(kPassword);
}

inline QString describe(const Outcome &o)
{
    if (o)
        return u"ok %1 %2"_s.arg(o->status).arg(
                QString::fromUtf8(QJsonDocument(o->body).toJson(QJsonDocument::Compact)));
    return u"%1: %2"_s.arg(tap::core::errorName(o.error().code()), o.error().message());
}

template <typename T>
QString describe(const Result<T> &r)
{
    return r ? u"ok"_s
             : u"%1: %2"_s.arg(tap::core::errorName(r.error().code()), r.error().message());
}

struct Mail
{
    QString fileName;
    QByteArray headers;
    QString body;

    bool isTo(const QString &address) const
    {
        static const QRegularExpression to(u"^To:\\s*(.*)$"_s,
                                           QRegularExpression::MultilineOption
                                                   | QRegularExpression::CaseInsensitiveOption);
        const auto m = to.match(QString::fromUtf8(headers));
        return m.hasMatch() && m.captured(1).contains(address, Qt::CaseInsensitive);
    }
};

// One test's world: a fresh migrated database and a real admin::Context around it.
struct Env
{
    std::shared_ptr<tap::store::Database> db;
    tap::test::FakeClock clock;
    tap::core::SystemRandom random;
    std::unique_ptr<tap::crypto::KeyRing> keys;
    std::unique_ptr<tap::store::Vault> vault;
    std::unique_ptr<tap::crypto::PasswordHasher> hasher;
    QTemporaryDir outbox;
    std::unique_ptr<tap::channels::Mailer> mailer;
    std::unique_ptr<tap::admin::Context> ctx;
    std::unique_ptr<AccountService> accountService;
    std::unique_ptr<MemberService> memberService;
    std::unique_ptr<AccountCalls> accounts; // the services in the wire format
    std::unique_ptr<MemberCalls> members;
    QSet<QString> seenMail;
    // Receives the async callbacks; declared last so it dies first (callbacks for a dead
    // context are dropped by the hasher).
    std::unique_ptr<QObject> receiver = std::make_unique<QObject>();
};

// A signed-in member: what login() answered.
struct Session
{
    QString token;
    QString userId;
    QString teamId;
    QString role;

    QByteArray bearer() const { return "Bearer " + token.toLatin1(); }
};

inline QString otherCode(const QString &code)
{
    return u"%1"_s.arg((code.toInt() + 1) % 1000000, 6, 10, QChar(u'0'));
}

// Checks on an Outcome or any Result<T>.
#define VERIFY_OK(expr)                          \
  do {                                           \
    const auto &r_ = (expr);                     \
    QVERIFY2(r_.ok(), qPrintable(describe(r_))); \
  } while (false)

#define VERIFY_ERROR(expr, errorCode)                                                   \
  do {                                                                                  \
    const auto &r_ = (expr);                                                            \
    QVERIFY2(!r_.ok(), qPrintable(u"expected an error, got "_s + describe(r_)));        \
    QCOMPARE(tap::core::errorName(r_.error().code()), tap::core::errorName(errorCode)); \
  } while (false)

inline void waitFor(const std::shared_ptr<std::optional<Outcome>> &holder)
{
    QTRY_VERIFY_WITH_TIMEOUT(holder->has_value(), kAsyncTimeoutMs);
}

// The shared state of an account test class (which derives from QObject and this): the test's
// world, made by initEnv() from init() and dropped by cleanupEnv() from cleanup().
class AccountsSuite
{
protected:
    void initEnv();
    void cleanupEnv() { m_env.reset(); }

    // Async calls: waits (QTRY) until the callback ran; an Internal error if it never did.
    Outcome await(const std::function<void(QObject *, OutcomeCallback)> &start);
    Outcome signup(const QJsonObject &body);
    Outcome login(const QJsonObject &body, const QString &remoteAddr = u"192.0.2.10"_s);

    QList<Mail> takeMails();
    // The one new mail to `address` since the last takeMails(); empty fileName if not exactly one.
    Mail takeOnlyMailTo(const QString &address);
    static QString codeIn(const Mail &mail);
    static QString inviteTokenIn(const Mail &mail);

    // Signs up a new team owner and returns the verification code mailed to them.
    QString signupUnverified(const QString &email, const QString &teamName,
                             QString *userId = nullptr, QString *teamId = nullptr);
    // Signs up and verifies a new team owner.
    bool signupOwner(const QString &email, const QString &teamName, QString *userId = nullptr,
                     QString *teamId = nullptr);
    std::optional<Session> loginAs(const QString &email, const QString &teamId = {});
    std::optional<Actor> actorOf(const Session &session);
    // `inviter` invites `email` as `role`; returns the token from the mail.
    QString invite(const Actor &inviter, const QString &email, const QString &role);
    // Invites `email` into inviter's team and signs them up with the token; returns their session.
    std::optional<Session> addMember(const Actor &inviter, const QString &email,
                                     const QString &role);

    std::unique_ptr<Env> m_env;
};

inline void AccountsSuite::initEnv()
{
    auto env = std::make_unique<Env>();
    env->db = tap::test::freshDatabase();
    if (!env->db)
        return; // freshDatabase() recorded the skip or failure
    const auto version = tap::store::Migrator(*env->db, env->clock).migrate();
    QVERIFY2(version.ok(), qPrintable(describe(version)));
    env->keys = std::make_unique<tap::crypto::KeyRing>(
            tap::core::SecretBytes::adopt(env->random.bytes(32)));
    env->vault = std::make_unique<tap::store::Vault>(*env->db, *env->keys, env->random);
    VERIFY_OK(env->vault->checkMasterKey());
    env->hasher = std::make_unique<tap::crypto::PasswordHasher>(
            tap::crypto::PasswordHasher::Cost::Minimum);
    QVERIFY(env->outbox.isValid());
    tap::channels::MailerConfig mail;
    mail.outboxDir = env->outbox.path() + u"/outbox"_s;
    env->mailer = std::make_unique<tap::channels::Mailer>(mail);
    env->ctx = std::make_unique<tap::admin::Context>(*env->db, *env->vault, *env->keys,
                                                     *env->hasher, *env->mailer, env->clock,
                                                     env->random, QUrl(u"http://tap.test"_s));
    env->ctx->signupsPerHour =
            100000; // every sign-up comes from one address; see tst_accounts_signup
    env->accountService = std::make_unique<AccountService>(*env->ctx);
    env->memberService = std::make_unique<MemberService>(*env->ctx);
    env->accounts = std::make_unique<AccountCalls>(*env->accountService);
    env->members = std::make_unique<MemberCalls>(*env->memberService);
    m_env = std::move(env);
}

inline Outcome AccountsSuite::await(const std::function<void(QObject *, OutcomeCallback)> &start)
{
    auto holder = std::make_shared<std::optional<Outcome>>();
    start(m_env->receiver.get(), [holder](Outcome o) { *holder = std::move(o); });
    waitFor(holder);
    if (!holder->has_value())
        return tap::core::Error(ErrorCode::Internal, u"the callback never ran"_s);
    return std::move(**holder);
}

inline Outcome AccountsSuite::signup(const QJsonObject &body)
{
    return await([&](QObject *context, OutcomeCallback done) {
        m_env->accounts->signup(body, u"192.0.2.10"_s, context, std::move(done));
    });
}

inline Outcome AccountsSuite::login(const QJsonObject &body, const QString &remoteAddr)
{
    return await([&](QObject *context, OutcomeCallback done) {
        m_env->accounts->login(body, remoteAddr, context, std::move(done));
    });
}

inline QList<Mail> AccountsSuite::takeMails()
{
    QList<Mail> out;
    QDir dir(m_env->outbox.path() + u"/outbox"_s);
    const QStringList names = dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        if (m_env->seenMail.contains(name))
            continue;
        m_env->seenMail.insert(name);
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray data = f.readAll();
        const qsizetype split = data.indexOf("\r\n\r\n");
        Mail m;
        m.fileName = name;
        m.headers = data.left(split);
        m.body = QString::fromUtf8(data.mid(split + 4));
        out.append(m);
    }
    return out;
}

inline Mail AccountsSuite::takeOnlyMailTo(const QString &address)
{
    const QList<Mail> mails = takeMails();
    if (mails.size() != 1 || !mails.first().isTo(address)) {
        qWarning("expected exactly one new mail to %s, found %d", qPrintable(address),
                 int(mails.size()));
        return {};
    }
    return mails.first();
}

inline QString AccountsSuite::codeIn(const Mail &mail)
{
    static const QRegularExpression re(u"verification code is ([0-9]{6})\\."_s);
    return re.match(mail.body).captured(1);
}

inline QString AccountsSuite::inviteTokenIn(const Mail &mail)
{
    static const QRegularExpression re(u"Your invitation token: (tapi_[A-Za-z0-9_-]+)"_s);
    return re.match(mail.body).captured(1);
}

inline QString AccountsSuite::signupUnverified(const QString &email, const QString &teamName,
                                               QString *userId, QString *teamId)
{
    const auto r = signup(
            { { u"email"_s, email }, { u"password"_s, pw() }, { u"team_name"_s, teamName } });
    if (!r) {
        qWarning("signup of %s failed: %s", qPrintable(email), qPrintable(describe(r)));
        return {};
    }
    if (r->status != 201 || r->body.value(u"email_verified"_s).toBool())
        return {};
    if (userId)
        *userId = r->body.value(u"admin_id"_s).toString();
    if (teamId)
        *teamId = r->body.value(u"team_id"_s).toString();
    return codeIn(takeOnlyMailTo(email));
}

inline bool AccountsSuite::signupOwner(const QString &email, const QString &teamName,
                                       QString *userId, QString *teamId)
{
    const QString code = signupUnverified(email, teamName, userId, teamId);
    if (code.isEmpty())
        return false;
    const Outcome v = m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, code } });
    if (!v)
        qWarning("verification of %s failed: %s", qPrintable(email), qPrintable(describe(v)));
    return v.ok();
}

inline std::optional<Session> AccountsSuite::loginAs(const QString &email, const QString &teamId)
{
    QJsonObject body{ { u"email"_s, email }, { u"password"_s, pw() } };
    if (!teamId.isEmpty())
        body.insert(u"team_id"_s, teamId);
    const auto r = login(body);
    if (!r) {
        qWarning("login of %s failed: %s", qPrintable(email), qPrintable(describe(r)));
        return std::nullopt;
    }
    const QJsonObject &b = r->body;
    return Session{ b.value(u"session_token"_s).toString(), b.value(u"admin_id"_s).toString(),
                    b.value(u"team_id"_s).toString(), b.value(u"role"_s).toString() };
}

inline std::optional<Actor> AccountsSuite::actorOf(const Session &session)
{
    auto a = m_env->accounts->authenticate(session.bearer(), u"192.0.2.10"_s);
    if (!a)
        return std::nullopt;
    return a.value();
}

inline QString AccountsSuite::invite(const Actor &inviter, const QString &email,
                                     const QString &role)
{
    const Outcome r =
            m_env->members->invite(inviter, { { u"email"_s, email }, { u"role"_s, role } });
    if (!r) {
        qWarning("invite of %s failed: %s", qPrintable(email), qPrintable(describe(r)));
        return {};
    }
    return inviteTokenIn(takeOnlyMailTo(email));
}

inline std::optional<Session> AccountsSuite::addMember(const Actor &inviter, const QString &email,
                                                       const QString &role)
{
    const QString token = invite(inviter, email, role);
    if (token.isEmpty())
        return std::nullopt;
    const auto r = signup(
            { { u"email"_s, email }, { u"password"_s, pw() }, { u"invite_token"_s, token } });
    if (!r) {
        qWarning("invited signup of %s failed: %s", qPrintable(email), qPrintable(describe(r)));
        return std::nullopt;
    }
    return loginAs(email, inviter.teamId);
}

#define ENV_OR_RETURN() \
  if (!m_env)           \
    return;

} // namespace tap::test
