// Account logic of the admin API (AccountService, MemberService) against a real, migrated
// database on SQLite and on PostgreSQL, with a fake clock: verification codes, sessions,
// log-in throttling, invitations and the membership rules. Mails go to an outbox directory
// and the tests read codes and invitation tokens from the .eml files, as a user would.

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

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

using tap::admin::AccountService;
using tap::admin::Actor;
using tap::admin::MemberService;
using tap::admin::Outcome;
using tap::admin::OutcomeCallback;
using tap::core::ErrorCode;
using tap::core::Result;

namespace {

constexpr auto kPassword = "correct horse battery"; // ASCII; see pw()
constexpr int kAsyncTimeoutMs = 30000;

QString pw()
{
    return QString::fromLatin1(kPassword);
}

QString describe(const Outcome &o)
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
    std::unique_ptr<AccountService> accounts;
    std::unique_ptr<MemberService> members;
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

QString otherCode(const QString &code)
{
    return u"%1"_s.arg((code.toInt() + 1) % 1000000, 6, 10, QChar(u'0'));
}

} // namespace

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

class TestAccounts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data();
    void init();
    void cleanup();

    void codeExpiresAfterFifteenMinutes();
    void fiveWrongCodesLockTheCode();
    void codeIsBoundToItsEmail();
    void resendVerificationCooldown();
    void sessionLastsTwentyFourHours();
    void logoutEndsSessionAtOnce();
    void loginThrottling();
    void unknownEmailLooksLikeWrongPassword();
    void unverifiedAccountForbiddenOnlyWithRightPassword();
    void inviteSignupJoinsTeam();
    void inviteExpiresAfterSevenDays();
    void inviteForAnotherAddressRefused();
    void existingUserJoinsWithInviteOnLogin();
    void removingMemberEndsSessionAtOnce();
    void lastOwnerCannotBeDemotedOrRemoved();
    void adminCannotGrantOwner();
    void inviteRejectsExistingMember();

private:
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

void TestAccounts::initTestCase_data()
{
    tap::test::addBackendRows();
}

void TestAccounts::init()
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
    env->accounts = std::make_unique<AccountService>(*env->ctx);
    env->members = std::make_unique<MemberService>(*env->ctx);
    m_env = std::move(env);
}

void TestAccounts::cleanup()
{
    m_env.reset();
}

namespace {

void waitFor(const std::shared_ptr<std::optional<Outcome>> &holder)
{
    QTRY_VERIFY_WITH_TIMEOUT(holder->has_value(), kAsyncTimeoutMs);
}

} // namespace

Outcome TestAccounts::await(const std::function<void(QObject *, OutcomeCallback)> &start)
{
    auto holder = std::make_shared<std::optional<Outcome>>();
    start(m_env->receiver.get(), [holder](Outcome o) { *holder = std::move(o); });
    waitFor(holder);
    if (!holder->has_value())
        return tap::core::Error(ErrorCode::Internal, u"the callback never ran"_s);
    return std::move(**holder);
}

Outcome TestAccounts::signup(const QJsonObject &body)
{
    return await([&](QObject *context, OutcomeCallback done) {
        m_env->accounts->signup(body, u"192.0.2.10"_s, context, std::move(done));
    });
}

Outcome TestAccounts::login(const QJsonObject &body, const QString &remoteAddr)
{
    return await([&](QObject *context, OutcomeCallback done) {
        m_env->accounts->login(body, remoteAddr, context, std::move(done));
    });
}

QList<Mail> TestAccounts::takeMails()
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

Mail TestAccounts::takeOnlyMailTo(const QString &address)
{
    const QList<Mail> mails = takeMails();
    if (mails.size() != 1 || !mails.first().isTo(address)) {
        qWarning("expected exactly one new mail to %s, found %d", qPrintable(address),
                 int(mails.size()));
        return {};
    }
    return mails.first();
}

QString TestAccounts::codeIn(const Mail &mail)
{
    static const QRegularExpression re(u"verification code is ([0-9]{6})\\."_s);
    return re.match(mail.body).captured(1);
}

QString TestAccounts::inviteTokenIn(const Mail &mail)
{
    static const QRegularExpression re(u"Your invitation token: (tapi_[A-Za-z0-9_-]+)"_s);
    return re.match(mail.body).captured(1);
}

QString TestAccounts::signupUnverified(const QString &email, const QString &teamName,
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

bool TestAccounts::signupOwner(const QString &email, const QString &teamName, QString *userId,
                               QString *teamId)
{
    const QString code = signupUnverified(email, teamName, userId, teamId);
    if (code.isEmpty())
        return false;
    const Outcome v = m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, code } });
    if (!v)
        qWarning("verification of %s failed: %s", qPrintable(email), qPrintable(describe(v)));
    return v.ok();
}

std::optional<Session> TestAccounts::loginAs(const QString &email, const QString &teamId)
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

std::optional<Actor> TestAccounts::actorOf(const Session &session)
{
    auto a = m_env->accounts->authenticate(session.bearer(), u"192.0.2.10"_s);
    if (!a)
        return std::nullopt;
    return a.value();
}

QString TestAccounts::invite(const Actor &inviter, const QString &email, const QString &role)
{
    const Outcome r =
            m_env->members->invite(inviter, { { u"email"_s, email }, { u"role"_s, role } });
    if (!r) {
        qWarning("invite of %s failed: %s", qPrintable(email), qPrintable(describe(r)));
        return {};
    }
    return inviteTokenIn(takeOnlyMailTo(email));
}

std::optional<Session> TestAccounts::addMember(const Actor &inviter, const QString &email,
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

// ---- email verification -----------------------------------------------------------------

void TestAccounts::codeExpiresAfterFifteenMinutes()
{
    ENV_OR_RETURN();
    // Three accounts whose codes are all issued now.
    const QString alice = signupUnverified(u"alice@example.com"_s, u"team-alice"_s);
    const QString bob = signupUnverified(u"bob@example.com"_s, u"team-bob"_s);
    const QString carol = signupUnverified(u"carol@example.com"_s, u"team-carol"_s);
    QVERIFY(!alice.isEmpty() && !bob.isEmpty() && !carol.isEmpty());
    QCOMPARE(AccountService::kCodeLifetimeMs, qint64(15 * 60 * 1000));

    m_env->clock.advance(14min + 59s);
    VERIFY_OK(m_env->accounts->verifyEmail(
            { { u"email"_s, u"alice@example.com"_s }, { u"code"_s, alice } }));
    m_env->clock.advance(999ms);
    VERIFY_OK(m_env->accounts->verifyEmail(
            { { u"email"_s, u"bob@example.com"_s }, { u"code"_s, bob } }));
    m_env->clock.advance(1ms); // exactly 15:00
    const Outcome late = m_env->accounts->verifyEmail(
            { { u"email"_s, u"carol@example.com"_s }, { u"code"_s, carol } });
    VERIFY_ERROR(late, ErrorCode::InvalidRequest);
    QVERIFY2(late.error().message().contains(u"expired"_s), qPrintable(late.error().message()));

    // Carol is still unverified; Alice can log in.
    VERIFY_ERROR(login({ { u"email"_s, u"carol@example.com"_s }, { u"password"_s, pw() } }),
                 ErrorCode::Forbidden);
    QVERIFY(loginAs(u"alice@example.com"_s));
}

void TestAccounts::fiveWrongCodesLockTheCode()
{
    ENV_OR_RETURN();
    const QString email = u"alice@example.com"_s;
    const QString code = signupUnverified(email, u"team-alice"_s);
    QVERIFY(!code.isEmpty());
    for (int i = 0; i < AccountService::kMaxCodeAttempts; ++i)
        VERIFY_ERROR(m_env->accounts->verifyEmail(
                             { { u"email"_s, email }, { u"code"_s, otherCode(code) } }),
                     ErrorCode::InvalidRequest);
    const Outcome right =
            m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, code } });
    VERIFY_ERROR(right, ErrorCode::RateLimited);
    QVERIFY(right.error().retryAfterSeconds() > 0);
    VERIFY_ERROR(login({ { u"email"_s, email }, { u"password"_s, pw() } }), ErrorCode::Forbidden);

    // Four wrong codes are not enough to lock it.
    const QString bobEmail = u"bob@example.com"_s;
    const QString bob = signupUnverified(bobEmail, u"team-bob"_s);
    QVERIFY(!bob.isEmpty());
    for (int i = 0; i < AccountService::kMaxCodeAttempts - 1; ++i)
        VERIFY_ERROR(m_env->accounts->verifyEmail(
                             { { u"email"_s, bobEmail }, { u"code"_s, otherCode(bob) } }),
                     ErrorCode::InvalidRequest);
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, bobEmail }, { u"code"_s, bob } }));

    // A new code (after the resend cooldown) starts with a clean attempt count.
    m_env->clock.advance(60s);
    VERIFY_OK(m_env->accounts->resendVerification({ { u"email"_s, email } }));
    const QString fresh = codeIn(takeOnlyMailTo(email));
    QVERIFY(!fresh.isEmpty());
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, fresh } }));
    QVERIFY(loginAs(email));
}

void TestAccounts::codeIsBoundToItsEmail()
{
    ENV_OR_RETURN();
    const QString a = u"alice@example.com"_s;
    const QString b = u"bob@example.com"_s;
    const QString codeA = signupUnverified(a, u"team-alice"_s);
    const QString codeB = signupUnverified(b, u"team-bob"_s);
    QVERIFY(!codeA.isEmpty() && !codeB.isEmpty());
    if (codeA == codeB)
        QSKIP("the two random codes happen to be equal (1 in a million)");

    VERIFY_ERROR(m_env->accounts->verifyEmail({ { u"email"_s, b }, { u"code"_s, codeA } }),
                 ErrorCode::InvalidRequest);
    VERIFY_ERROR(login({ { u"email"_s, b }, { u"password"_s, pw() } }), ErrorCode::Forbidden);
    // Neither code was used up by that.
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, a }, { u"code"_s, codeA } }));
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, b }, { u"code"_s, codeB } }));
    // The address is matched case-insensitively, the code only once.
    VERIFY_ERROR(m_env->accounts->verifyEmail(
                         { { u"email"_s, u"ALICE@example.com"_s }, { u"code"_s, codeA } }),
                 ErrorCode::InvalidRequest);
}

void TestAccounts::resendVerificationCooldown()
{
    ENV_OR_RETURN();
    const QString email = u"alice@example.com"_s;
    const QString first = signupUnverified(email, u"team-alice"_s);
    QVERIFY(!first.isEmpty());

    m_env->clock.advance(59s);
    const Outcome early = m_env->accounts->resendVerification({ { u"email"_s, email } });
    VERIFY_OK(early);
    QVERIFY(takeMails().isEmpty());

    m_env->clock.advance(1s);
    const Outcome resent = m_env->accounts->resendVerification({ { u"email"_s, email } });
    VERIFY_OK(resent);
    QCOMPARE(resent->body, early->body); // the answer never tells whether a mail went out
    const QString second = codeIn(takeOnlyMailTo(email));
    QVERIFY(!second.isEmpty());

    // Straight after a resend the cooldown starts again.
    VERIFY_OK(m_env->accounts->resendVerification({ { u"email"_s, email } }));
    QVERIFY(takeMails().isEmpty());

    if (first != second)
        VERIFY_ERROR(m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, first } }),
                     ErrorCode::InvalidRequest);
    VERIFY_OK(m_env->accounts->verifyEmail({ { u"email"_s, email }, { u"code"_s, second } }));

    // Verified and unknown addresses get the same answer and no mail.
    m_env->clock.advance(5min);
    const Outcome verified = m_env->accounts->resendVerification({ { u"email"_s, email } });
    const Outcome unknown =
            m_env->accounts->resendVerification({ { u"email"_s, u"nobody@example.com"_s } });
    VERIFY_OK(verified);
    VERIFY_OK(unknown);
    QCOMPARE(verified->body, early->body);
    QCOMPARE(unknown->body, early->body);
    QVERIFY(takeMails().isEmpty());
}

// ---- sessions -----------------------------------------------------------------------------

void TestAccounts::sessionLastsTwentyFourHours()
{
    ENV_OR_RETURN();
    QString userId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &userId, &teamId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    QVERIFY(s->token.startsWith(u"taps_"_s));
    QCOMPARE(s->teamId, teamId);
    QCOMPARE(s->role, u"owner"_s);

    m_env->clock.advance(23h + 59min + 59s);
    const auto a = m_env->accounts->authenticate(s->bearer(), u"198.51.100.7"_s);
    VERIFY_OK(a);
    QCOMPARE(a->userId, userId);
    QCOMPARE(a->teamId, teamId);
    QCOMPARE(a->email, u"owner@example.com"_s);
    QCOMPARE(a->role, u"owner"_s);
    QCOMPARE(a->remoteAddr, u"198.51.100.7"_s);
    m_env->clock.advance(999ms);
    VERIFY_OK(m_env->accounts->authenticate(s->bearer(), {}));

    m_env->clock.advance(1ms); // 24:00:00
    VERIFY_ERROR(m_env->accounts->authenticate(s->bearer(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->logout(s->bearer()), ErrorCode::Unauthorized);

    // Malformed headers are refused the same way.
    VERIFY_ERROR(m_env->accounts->authenticate({}, {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->authenticate(s->token.toLatin1(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->authenticate("Bearer taps_nonsense", {}),
                 ErrorCode::Unauthorized);
}

void TestAccounts::logoutEndsSessionAtOnce()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto one = loginAs(u"owner@example.com"_s);
    const auto two = loginAs(u"owner@example.com"_s);
    QVERIFY(one && two);
    QVERIFY(one->token != two->token);

    const Outcome out = m_env->accounts->logout(one->bearer());
    VERIFY_OK(out);
    QCOMPARE(out->body.value(u"status"_s).toString(), u"logged_out"_s);
    VERIFY_ERROR(m_env->accounts->authenticate(one->bearer(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(m_env->accounts->logout(one->bearer()), ErrorCode::Unauthorized);
    // Only that session ended.
    VERIFY_OK(m_env->accounts->authenticate(two->bearer(), {}));
}

// ---- log-in ---------------------------------------------------------------------------------

void TestAccounts::loginThrottling()
{
    ENV_OR_RETURN();
    const QString email = u"owner@example.com"_s;
    QVERIFY(signupOwner(email, u"acme"_s));
    const QJsonObject wrong{ { u"email"_s, email }, { u"password"_s, u"wrong password"_s } };
    const QJsonObject right{ { u"email"_s, email }, { u"password"_s, pw() } };

    for (int i = 0; i < AccountService::kMaxLoginFailures; ++i) {
        m_env->clock.advance(10s);
        VERIFY_ERROR(login(wrong), ErrorCode::Unauthorized);
    }
    // Locked for kLoginLockMs from the fifth failure, whatever the password.
    const auto locked = login(right);
    VERIFY_ERROR(locked, ErrorCode::RateLimited);
    QCOMPARE(locked.error().retryAfterSeconds(), int(AccountService::kLoginLockMs / 1000));
    VERIFY_ERROR(login(wrong), ErrorCode::RateLimited);
    // The lock is per address, not per spelling, and not per client address.
    VERIFY_ERROR(login({ { u"email"_s, u" OWNER@Example.com "_s }, { u"password"_s, pw() } },
                       u"203.0.113.9"_s),
                 ErrorCode::RateLimited);

    m_env->clock.advance(4min + 59s);
    const auto stillLocked = login(right);
    VERIFY_ERROR(stillLocked, ErrorCode::RateLimited);
    QCOMPARE(stillLocked.error().retryAfterSeconds(), 1);

    m_env->clock.advance(1s); // the lock has run out
    QVERIFY(loginAs(email));

    // The success cleared the count: a new failure does not lock again, and neither do four.
    for (int i = 0; i < AccountService::kMaxLoginFailures - 1; ++i)
        VERIFY_ERROR(login(wrong), ErrorCode::Unauthorized);
    QVERIFY(loginAs(email));
    for (int i = 0; i < AccountService::kMaxLoginFailures; ++i)
        VERIFY_ERROR(login(wrong), ErrorCode::Unauthorized);
    VERIFY_ERROR(login(right), ErrorCode::RateLimited);
}

void TestAccounts::unknownEmailLooksLikeWrongPassword()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto unknown =
            login({ { u"email"_s, u"nobody@example.com"_s }, { u"password"_s, pw() } });
    const auto wrong = login(
            { { u"email"_s, u"owner@example.com"_s }, { u"password"_s, u"wrong password"_s } });
    VERIFY_ERROR(unknown, ErrorCode::Unauthorized);
    VERIFY_ERROR(wrong, ErrorCode::Unauthorized);
    QCOMPARE(unknown.error().message(), wrong.error().message());
    QCOMPARE(unknown.error().retryAfterSeconds(), wrong.error().retryAfterSeconds());
}

void TestAccounts::unverifiedAccountForbiddenOnlyWithRightPassword()
{
    ENV_OR_RETURN();
    const QString email = u"owner@example.com"_s;
    QVERIFY(!signupUnverified(email, u"acme"_s).isEmpty());
    const auto wrong = login({ { u"email"_s, email }, { u"password"_s, u"wrong password"_s } });
    const auto unknown = login(
            { { u"email"_s, u"nobody@example.com"_s }, { u"password"_s, u"wrong password"_s } });
    VERIFY_ERROR(wrong, ErrorCode::Unauthorized);
    VERIFY_ERROR(unknown, ErrorCode::Unauthorized);
    QCOMPARE(wrong.error().message(), unknown.error().message());
    VERIFY_ERROR(login({ { u"email"_s, email }, { u"password"_s, pw() } }), ErrorCode::Forbidden);
}

// ---- invitations ----------------------------------------------------------------------------

void TestAccounts::inviteSignupJoinsTeam()
{
    ENV_OR_RETURN();
    QString ownerId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId, &teamId));
    const auto ownerSession = loginAs(u"owner@example.com"_s);
    QVERIFY(ownerSession);
    const auto owner = actorOf(*ownerSession);
    QVERIFY(owner);

    const Outcome invited = m_env->members->invite(
            *owner, { { u"email"_s, u"Bob@Example.com"_s }, { u"role"_s, u"approver"_s } });
    VERIFY_OK(invited);
    QCOMPARE(invited->status, 201);
    QCOMPARE(invited->body.value(u"email"_s).toString(), u"bob@example.com"_s);
    const Mail mail = takeOnlyMailTo(u"bob@example.com"_s);
    const QString token = inviteTokenIn(mail);
    QVERIFY2(!token.isEmpty(), qPrintable(mail.body));
    QVERIFY(mail.body.contains(u"http://tap.test/signup"_s));

    // Bob signs up with the token: no team of his own, no verification mail.
    const auto bob = signup({ { u"email"_s, u"bob@example.com"_s },
                              { u"password"_s, pw() },
                              { u"invite_token"_s, token } });
    VERIFY_OK(bob);
    QCOMPARE(bob->status, 201);
    QCOMPARE(bob->body.value(u"team_id"_s).toString(), teamId);
    QCOMPARE(bob->body.value(u"email_verified"_s).toBool(), true);
    QVERIFY(takeMails().isEmpty());
    const QString bobId = bob->body.value(u"admin_id"_s).toString();

    const auto members = m_env->ctx->accounts.members(teamId);
    VERIFY_OK(members);
    QCOMPARE(members->size(), 2);
    const auto bobMember = m_env->ctx->accounts.member(teamId, bobId);
    VERIFY_OK(bobMember);
    QVERIFY(bobMember.value());
    QCOMPARE(bobMember.value()->role, u"approver"_s);
    QVERIFY(bobMember.value()->emailVerified);
    const auto bobTeams = m_env->ctx->accounts.teamsOf(bobId);
    VERIFY_OK(bobTeams);
    QCOMPARE(bobTeams.value(), QStringList{ teamId });

    const auto bobSession = loginAs(u"bob@example.com"_s);
    QVERIFY(bobSession);
    QCOMPARE(bobSession->teamId, teamId);
    QCOMPARE(bobSession->role, u"approver"_s);

    // The invitation is used up: neither a log-in nor another sign-up can use it again.
    VERIFY_ERROR(login({ { u"email"_s, u"bob@example.com"_s },
                         { u"password"_s, pw() },
                         { u"invite_token"_s, token } }),
                 ErrorCode::InvalidRequest);
    VERIFY_ERROR(signup({ { u"email"_s, u"eve@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s, token } }),
                 ErrorCode::InvalidRequest);
    const auto eve = m_env->ctx->accounts.userByEmail(u"eve@example.com"_s);
    VERIFY_OK(eve);
    QVERIFY(!eve.value());
    // An invented token does not work either.
    VERIFY_ERROR(signup({ { u"email"_s, u"eve@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s,
                            u"tapi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s } }),
                 ErrorCode::InvalidRequest);
}

void TestAccounts::inviteExpiresAfterSevenDays()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const QString dave = invite(*owner, u"dave@example.com"_s, u"admin"_s);
    const QString erin = invite(*owner, u"erin@example.com"_s, u"admin"_s);
    QVERIFY(!dave.isEmpty() && !erin.isEmpty());

    m_env->clock.advance(std::chrono::days(7) - 1s);
    VERIFY_OK(signup({ { u"email"_s, u"erin@example.com"_s },
                       { u"password"_s, pw() },
                       { u"invite_token"_s, erin } }));
    m_env->clock.advance(1s); // exactly 7 days
    VERIFY_ERROR(signup({ { u"email"_s, u"dave@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s, dave } }),
                 ErrorCode::InvalidRequest);
    const auto daveUser = m_env->ctx->accounts.userByEmail(u"dave@example.com"_s);
    VERIFY_OK(daveUser);
    QVERIFY(!daveUser.value()); // nothing half-created
}

void TestAccounts::inviteForAnotherAddressRefused()
{
    ENV_OR_RETURN();
    QString ownerId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId, &teamId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const QString token = invite(*owner, u"frank@example.com"_s, u"admin"_s);
    QVERIFY(!token.isEmpty());

    // Someone else's sign-up with Frank's token: refused, and no account is left behind.
    VERIFY_ERROR(signup({ { u"email"_s, u"mallory@example.com"_s },
                          { u"password"_s, pw() },
                          { u"invite_token"_s, token } }),
                 ErrorCode::Forbidden);
    const auto mallory = m_env->ctx->accounts.userByEmail(u"mallory@example.com"_s);
    VERIFY_OK(mallory);
    QVERIFY(!mallory.value());

    // An existing, verified account cannot use it on log-in either.
    QVERIFY(signupOwner(u"mallory@example.com"_s, u"evil"_s));
    VERIFY_ERROR(login({ { u"email"_s, u"mallory@example.com"_s },
                         { u"password"_s, pw() },
                         { u"invite_token"_s, token } }),
                 ErrorCode::Forbidden);
    const auto members = m_env->ctx->accounts.members(teamId);
    VERIFY_OK(members);
    QCOMPARE(members->size(), 1);

    // The invitation is still good for Frank (any spelling of his address).
    const auto frank = signup({ { u"email"_s, u"Frank@Example.COM"_s },
                                { u"password"_s, pw() },
                                { u"invite_token"_s, token } });
    VERIFY_OK(frank);
    QCOMPARE(frank->body.value(u"team_id"_s).toString(), teamId);
}

void TestAccounts::existingUserJoinsWithInviteOnLogin()
{
    ENV_OR_RETURN();
    QString teamA, teamB, userB;
    QVERIFY(signupOwner(u"owner-a@example.com"_s, u"team-a"_s, nullptr, &teamA));
    m_env->clock.advance(1s);
    QVERIFY(signupOwner(u"owner-b@example.com"_s, u"team-b"_s, &userB, &teamB));
    const auto sa = loginAs(u"owner-a@example.com"_s);
    QVERIFY(sa);
    const auto ownerA = actorOf(*sa);
    QVERIFY(ownerA);
    m_env->clock.advance(1s);
    const QString token = invite(*ownerA, u"owner-b@example.com"_s, u"admin"_s);
    QVERIFY(!token.isEmpty());

    const auto joined = login({ { u"email"_s, u"owner-b@example.com"_s },
                                { u"password"_s, pw() },
                                { u"invite_token"_s, token } });
    VERIFY_OK(joined);
    QCOMPARE(joined->body.value(u"team_id"_s).toString(), teamA);
    QCOMPARE(joined->body.value(u"role"_s).toString(), u"admin"_s);
    const Session s{ joined->body.value(u"session_token"_s).toString(), userB, teamA, u"admin"_s };
    const auto actor = actorOf(s);
    QVERIFY(actor);
    QCOMPARE(actor->teamId, teamA);
    QCOMPARE(actor->role, u"admin"_s);

    const auto teams = m_env->ctx->accounts.teamsOf(userB);
    VERIFY_OK(teams);
    QCOMPARE(teams.value(), (QStringList{ teamB, teamA })); // oldest membership first
    // Without team_id the log-in picks the oldest membership; with it, the one asked for.
    const auto plain = loginAs(u"owner-b@example.com"_s);
    QVERIFY(plain);
    QCOMPARE(plain->teamId, teamB);
    QCOMPARE(plain->role, u"owner"_s);
    const auto inA = loginAs(u"owner-b@example.com"_s, teamA);
    QVERIFY(inA);
    QCOMPARE(inA->role, u"admin"_s);
}

// ---- membership rules -----------------------------------------------------------------------

void TestAccounts::removingMemberEndsSessionAtOnce()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const auto bob = addMember(*owner, u"bob@example.com"_s, u"admin"_s);
    QVERIFY(bob);
    VERIFY_OK(m_env->accounts->authenticate(bob->bearer(), {}));

    const Outcome removed = m_env->members->remove(*owner, bob->userId);
    VERIFY_OK(removed);
    VERIFY_ERROR(m_env->accounts->authenticate(bob->bearer(), {}), ErrorCode::Unauthorized);
    VERIFY_ERROR(login({ { u"email"_s, u"bob@example.com"_s }, { u"password"_s, pw() } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->remove(*owner, bob->userId), ErrorCode::NotFound);
    // The owner is untouched.
    VERIFY_OK(m_env->accounts->authenticate(s->bearer(), {}));
}

void TestAccounts::lastOwnerCannotBeDemotedOrRemoved()
{
    ENV_OR_RETURN();
    QString ownerId, teamId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId, &teamId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);

    VERIFY_ERROR(m_env->members->update(*owner, ownerId, { { u"role"_s, u"admin"_s } }),
                 ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->update(*owner, ownerId, { { u"role"_s, u"approver"_s } }),
                 ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->remove(*owner, ownerId), ErrorCode::Conflict);
    auto count = m_env->ctx->accounts.ownerCount(teamId);
    VERIFY_OK(count);
    QCOMPARE(count.value(), 1);

    // With a second owner the first may step down; then the second is the last one.
    const auto second = addMember(*owner, u"second@example.com"_s, u"owner"_s);
    QVERIFY(second);
    QCOMPARE(second->role, u"owner"_s);
    VERIFY_OK(m_env->members->update(*owner, ownerId, { { u"role"_s, u"admin"_s } }));
    const auto secondActor = actorOf(*second);
    QVERIFY(secondActor);
    VERIFY_ERROR(
            m_env->members->update(*secondActor, second->userId, { { u"role"_s, u"admin"_s } }),
            ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->remove(*secondActor, second->userId), ErrorCode::Conflict);
    count = m_env->ctx->accounts.ownerCount(teamId);
    VERIFY_OK(count);
    QCOMPARE(count.value(), 1);
    // The demoted first owner's session now carries the new role.
    const auto demoted = actorOf(*s);
    QVERIFY(demoted);
    QCOMPARE(demoted->role, u"admin"_s);
}

void TestAccounts::adminCannotGrantOwner()
{
    ENV_OR_RETURN();
    QString ownerId;
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s, &ownerId));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);
    const auto amy = addMember(*owner, u"amy@example.com"_s, u"admin"_s);
    const auto pat = addMember(*owner, u"pat@example.com"_s, u"approver"_s);
    QVERIFY(amy && pat);
    const auto admin = actorOf(*amy);
    const auto approver = actorOf(*pat);
    QVERIFY(admin && approver);
    QCOMPARE(admin->role, u"admin"_s);

    VERIFY_ERROR(m_env->members->update(*admin, pat->userId, { { u"role"_s, u"owner"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->update(*admin, amy->userId, { { u"role"_s, u"owner"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->update(*admin, ownerId, { { u"role"_s, u"admin"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->remove(*admin, ownerId), ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->invite(
                         *admin, { { u"email"_s, u"x@example.com"_s }, { u"role"_s, u"owner"_s } }),
                 ErrorCode::Forbidden);
    QVERIFY(takeMails().isEmpty());
    // Below owner, an admin may change roles; approvers change nothing.
    VERIFY_OK(m_env->members->update(*admin, pat->userId, { { u"role"_s, u"admin"_s } }));
    VERIFY_ERROR(m_env->members->update(*approver, pat->userId, { { u"role"_s, u"approver"_s } }),
                 ErrorCode::Forbidden);
    VERIFY_ERROR(m_env->members->invite(*approver, { { u"email"_s, u"y@example.com"_s } }),
                 ErrorCode::Forbidden);

    const auto ownerMember = m_env->ctx->accounts.member(owner->teamId, ownerId);
    VERIFY_OK(ownerMember);
    QVERIFY(ownerMember.value());
    QCOMPARE(ownerMember.value()->role, u"owner"_s);
}

void TestAccounts::inviteRejectsExistingMember()
{
    ENV_OR_RETURN();
    QVERIFY(signupOwner(u"owner@example.com"_s, u"acme"_s));
    const auto s = loginAs(u"owner@example.com"_s);
    QVERIFY(s);
    const auto owner = actorOf(*s);
    QVERIFY(owner);

    VERIFY_ERROR(m_env->members->invite(*owner, { { u"email"_s, u"owner@example.com"_s } }),
                 ErrorCode::Conflict);
    QVERIFY(addMember(*owner, u"bob@example.com"_s, u"approver"_s));
    VERIFY_ERROR(
            m_env->members->invite(
                    *owner, { { u"email"_s, u"bob@example.com"_s }, { u"role"_s, u"admin"_s } }),
            ErrorCode::Conflict);
    VERIFY_ERROR(m_env->members->invite(*owner, { { u"email"_s, u" BOB@example.com"_s } }),
                 ErrorCode::Conflict);
    QVERIFY(takeMails().isEmpty());
}

QTEST_GUILESS_MAIN(TestAccounts)
#include "tst_accounts.moc"
