// Connect and sign in: sign up, verify, log in; client-side checks; the server's messages;
// the keychain and its absence; restoring a kept session; profiles.
#include "consoletest.h"
#include "dialogs/signindialog.h"

#include <QComboBox>
#include <QLineEdit>
#include <QTabWidget>

using namespace tap::console;
using namespace tap::console::test;
using tap::testsupport::FakeAdminApi;

class TestSignIn : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(startRig()); }
    void cleanup() { stopRig(); }

    void signupVerifyLogin()
    {
        SignInDialog dialog(m_session.get());
        dialog.show();
        fill(&dialog, "serverUrl", m_fake->url().toString());
        fill(&dialog, "email", QStringLiteral("New@Example.com"));
        dialog.setMode(SignInDialog::Signup);
        fill(&dialog, "teamName", QStringLiteral("new-team"));
        fill(&dialog, "newPassword", QStringLiteral("long enough"));
        fill(&dialog, "confirmPassword", QStringLiteral("long enough"));
        click(&dialog, "signupButton");
        QTRY_VERIFY_WITH_TIMEOUT(dialog.infoText().contains(QStringLiteral("6-digit")), kTimeout);
        QVERIFY(m_fake->hasAccount(QStringLiteral("new@example.com")));
        QCOMPARE(child<QTabWidget>(&dialog, "modeTabs")->currentIndex(), int(SignInDialog::Verify));

        fill(&dialog, "code", QStringLiteral("654321"));
        click(&dialog, "verifyButton");
        QTRY_VERIFY_WITH_TIMEOUT(dialog.errorText().startsWith(u"The code is wrong"_qs), kTimeout);
        fill(&dialog, "code", QString::fromLatin1(FakeAdminApi::kVerificationCode));
        click(&dialog, "verifyButton");
        QTRY_COMPARE_WITH_TIMEOUT(child<QTabWidget>(&dialog, "modeTabs")->currentIndex(),
                                  int(SignInDialog::Login), kTimeout);
        QVERIFY(m_fake->account(QStringLiteral("new@example.com")).verified);

        click(&dialog, "loginButton"); // the password from sign-up is kept
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), kTimeout);
        QVERIFY(m_session->isSignedIn());
        QCOMPARE(m_session->teamName(), QStringLiteral("new-team"));
        QCOMPARE(m_session->role(), QStringLiteral("owner"));
        QTRY_VERIFY_WITH_TIMEOUT(m_session->tokenInKeychain(), kTimeout);
        const Profile profile{ m_fake->url(), QStringLiteral("new@example.com") };
        QCOMPARE(m_secrets->entries.value(profile.key()), m_session->api()->sessionToken());
        QCOMPARE(ProfileStore().last()->email, QStringLiteral("new@example.com"));
    }

    // The invitation mail: an invited person signs up with the token,
    // joins the inviting team with the invited role, and needs no emailed code.
    void signupWithInvitation()
    {
        const QString token = m_fake->addInvite(QStringLiteral("bob@example.com"));
        SignInDialog dialog(m_session.get());
        dialog.show();
        fill(&dialog, "serverUrl", m_fake->url().toString());
        fill(&dialog, "email", QStringLiteral("bob@example.com"));
        dialog.setMode(SignInDialog::Signup);
        fill(&dialog, "inviteToken", token);
        QVERIFY(!child(&dialog, "teamName")->isEnabled()); // no team of one's own
        fill(&dialog, "newPassword", QStringLiteral("long enough"));
        fill(&dialog, "confirmPassword", QStringLiteral("long enough"));
        click(&dialog, "signupButton");
        QTRY_COMPARE_WITH_TIMEOUT(child<QTabWidget>(&dialog, "modeTabs")->currentIndex(),
                                  int(SignInDialog::Login), kTimeout);
        QVERIFY2(dialog.infoText().contains(QStringLiteral("invitation accepted")),
                 qPrintable(dialog.infoText()));
        const auto signup = lastRequest("/signup");
        QCOMPARE(signup.value(QStringLiteral("invite_token")).toString(), token);
        QVERIFY(!signup.contains(QStringLiteral("team_name")));

        click(&dialog, "loginButton");
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), kTimeout);
        QCOMPARE(m_session->role(), QStringLiteral("approver"));
        QCOMPARE(m_session->teamName(), QStringLiteral("my-team"));
    }

    void signupWithWrongInvitation()
    {
        SignInDialog dialog(m_session.get());
        dialog.show();
        fill(&dialog, "serverUrl", m_fake->url().toString());
        fill(&dialog, "email", QStringLiteral("eve@example.com"));
        dialog.setMode(SignInDialog::Signup);
        fill(&dialog, "inviteToken", QStringLiteral("tapi_forged"));
        fill(&dialog, "newPassword", QStringLiteral("long enough"));
        fill(&dialog, "confirmPassword", QStringLiteral("long enough"));
        click(&dialog, "signupButton");
        QTRY_COMPARE_WITH_TIMEOUT(dialog.errorText(),
                                  QStringLiteral("The invitation is invalid or has expired."),
                                  kTimeout);
        QVERIFY(!m_fake->hasAccount(QStringLiteral("eve@example.com")));
    }

    // An existing account accepts an invitation when logging in, and may name its team.
    void loginWithInvitationOrTeam()
    {
        m_fake->addAccount(QStringLiteral("carol@example.com"), QStringLiteral("correct horse"),
                           QStringLiteral("approver"));
        const QString token =
                m_fake->addInvite(QStringLiteral("carol@example.com"), QStringLiteral("admin"));
        SignInDialog dialog(m_session.get());
        dialog.show();
        fill(&dialog, "serverUrl", m_fake->url().toString());
        fill(&dialog, "email", QStringLiteral("carol@example.com"));
        fill(&dialog, "password", QStringLiteral("correct horse"));
        fill(&dialog, "loginTeamId", QStringLiteral("team-9"));
        click(&dialog, "loginButton");
        QTRY_VERIFY_WITH_TIMEOUT(dialog.errorText().contains(u"team ID"_qs), kTimeout);
        QCOMPARE(lastRequest("/login").value(QStringLiteral("team_id")).toString(),
                 QStringLiteral("team-9"));

        fill(&dialog, "loginTeamId", QString());
        fill(&dialog, "loginInviteToken", token);
        fill(&dialog, "password", QStringLiteral("correct horse"));
        click(&dialog, "loginButton");
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), kTimeout);
        QCOMPARE(lastRequest("/login").value(QStringLiteral("invite_token")).toString(), token);
        QCOMPARE(m_session->role(), QStringLiteral("admin"));
        QVERIFY(child<QLineEdit>(&dialog, "loginInviteToken")->text().isEmpty());
    }

    void clientChecks_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("expected");
        QTest::addRow("bad url") << int(SignInDialog::Login) << "ftp://x"
                                 << "a@example.com"
                                 << "server URL";
        QTest::addRow("bad email") << int(SignInDialog::Login) << ""
                                   << "not-an-email"
                                   << "valid email";
        QTest::addRow("no password") << int(SignInDialog::Login) << ""
                                     << "a@example.com"
                                     << "password";
        QTest::addRow("team name") << int(SignInDialog::Signup) << ""
                                   << "a@example.com"
                                   << "Team names";
        QTest::addRow("code") << int(SignInDialog::Verify) << ""
                              << "a@example.com"
                              << "6 digits";
    }
    void clientChecks()
    {
        QFETCH(int, mode);
        QFETCH(QString, url);
        QFETCH(QString, email);
        QFETCH(QString, expected);
        SignInDialog dialog(m_session.get());
        fill(&dialog, "serverUrl", url.isEmpty() ? m_fake->url().toString() : url);
        fill(&dialog, "email", email);
        fill(&dialog, "teamName", QStringLiteral("Bad Team"));
        fill(&dialog, "code", QStringLiteral("12"));
        dialog.setMode(SignInDialog::Mode(mode));
        dialog.show();
        const char *button = mode == SignInDialog::Login ? "loginButton"
                : mode == SignInDialog::Signup           ? "signupButton"
                                                         : "verifyButton";
        click(&dialog, button);
        QVERIFY2(dialog.errorText().contains(expected), qPrintable(dialog.errorText()));
        QVERIFY(m_fake->requests.isEmpty()); // nothing was sent
    }

    void passwordsMustMatch()
    {
        SignInDialog dialog(m_session.get());
        fill(&dialog, "serverUrl", m_fake->url().toString());
        fill(&dialog, "email", QStringLiteral("a@example.com"));
        fill(&dialog, "teamName", QStringLiteral("good-team"));
        fill(&dialog, "newPassword", QStringLiteral("long enough"));
        fill(&dialog, "confirmPassword", QStringLiteral("long enougH"));
        dialog.setMode(SignInDialog::Signup);
        dialog.show();
        click(&dialog, "signupButton");
        QVERIFY(dialog.errorText().contains(QStringLiteral("do not match")));
    }

    void serverMessagesShown_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("verified");
        QTest::addColumn<QString>("expected");
        // The console's sentences for the codes (unauthorized, forbidden).
        QTest::addRow("wrong password") << "wrong one" << true << "The email or the password";
        QTest::addRow("unverified") << "correct horse" << false << "This account cannot log in";
    }
    void serverMessagesShown()
    {
        QFETCH(QString, password);
        QFETCH(bool, verified);
        QFETCH(QString, expected);
        m_fake->addAccount(QStringLiteral("b@example.com"), QStringLiteral("correct horse"),
                           QStringLiteral("admin"), verified);
        SignInDialog dialog(m_session.get());
        fill(&dialog, "serverUrl", m_fake->url().toString());
        fill(&dialog, "email", QStringLiteral("b@example.com"));
        fill(&dialog, "password", password);
        dialog.show(); // laid out: a hidden dialog's button may have no area to click
        click(&dialog, "loginButton");
        QTRY_VERIFY_WITH_TIMEOUT(dialog.errorText().startsWith(expected), kTimeout);
        QVERIFY(!m_session->isSignedIn());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    void keychainUnavailableKeepsTokenInMemory()
    {
        m_secrets->available = false;
        QSignalSpy notice(m_session.get(), &Session::keychainUnavailable);
        QVERIFY(signIn(*m_session, *m_fake));
        QTRY_COMPARE_WITH_TIMEOUT(notice.size(), 1, kTimeout);
        QVERIFY(notice.first().first().toString().contains(QStringLiteral("memory")));
        QVERIFY(!m_session->tokenInKeychain());
        QVERIFY(m_session->api()->hasSession()); // still works for this run
        QVERIFY(m_secrets->entries.isEmpty());
        bool done = false;
        int status = 0;
        m_session->api()->get(QStringLiteral("/admin/members"), [&](const Session::Reply &r) {
            status = r.status;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, kTimeout);
        QCOMPARE(status, 200);
    }

    void restoreFromKeychain()
    {
        QVERIFY(signIn(*m_session, *m_fake));
        QTRY_VERIFY_WITH_TIMEOUT(m_session->tokenInKeychain(), kTimeout);
        const int logins = m_fake->count("POST", QStringLiteral("/login"));

        Session next(m_secrets.get()); // the next run of the console
        std::optional<bool> restored;
        next.restore(profileFor(*m_fake), [&restored](bool ok) { restored = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(restored.has_value(), kTimeout);
        QVERIFY(*restored);
        QVERIFY(next.isSignedIn());
        QCOMPARE(m_fake->count("POST", QStringLiteral("/login")), logins); // no password asked
    }

    void staleKeptTokenIsForgotten()
    {
        QVERIFY(signIn(*m_session, *m_fake));
        QTRY_VERIFY_WITH_TIMEOUT(m_session->tokenInKeychain(), kTimeout);
        m_fake->expireSessions();
        Session next(m_secrets.get());
        QSignalSpy expired(&next, &Session::expired);
        std::optional<bool> restored;
        next.restore(profileFor(*m_fake), [&restored](bool ok) { restored = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(restored.has_value(), kTimeout);
        QVERIFY(!*restored);
        QTRY_VERIFY_WITH_TIMEOUT(m_secrets->entries.isEmpty(), kTimeout);
        QCOMPARE(expired.size(), 0); // not signed in yet: nothing expired
    }

    void expiryAndLogout()
    {
        QVERIFY(signIn(*m_session, *m_fake));
        QSignalSpy expired(m_session.get(), &Session::expired);
        m_fake->expireSessions();
        m_session->api()->get(QStringLiteral("/admin/team"), nullptr);
        QTRY_COMPARE_WITH_TIMEOUT(expired.size(), 1, kTimeout);
        QVERIFY(!m_session->isSignedIn());
        QVERIFY(!m_session->api()->hasSession());

        QVERIFY(signIn(*m_session, *m_fake));
        QSignalSpy out(m_session.get(), &Session::signedOut);
        m_session->logout();
        QCOMPARE(out.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->sessionCount(), 0, kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(m_secrets->entries.isEmpty(), kTimeout);
    }

    void profilesOffered()
    {
        ProfileStore store;
        store.remember({ QUrl(QStringLiteral("https://one.example")), QStringLiteral("a@x.io") });
        store.remember({ QUrl(QStringLiteral("https://two.example")), QStringLiteral("b@x.io") });
        store.remember({ QUrl(QStringLiteral("https://one.example")), QStringLiteral("a@x.io") });
        QCOMPARE(store.profiles().size(), 2);
        SignInDialog dialog(m_session.get());
        QCOMPARE(child<QLineEdit>(&dialog, "serverUrl")->text(),
                 QStringLiteral("https://one.example"));
        auto *combo = child<QComboBox>(&dialog, "profileCombo");
        combo->setCurrentIndex(2);
        QCOMPARE(child<QLineEdit>(&dialog, "email")->text(), QStringLiteral("b@x.io"));
        store.forget(store.profiles().first());
        QCOMPARE(store.last()->email, QStringLiteral("b@x.io"));
    }

private:
    QJsonObject lastRequest(const char *path) const
    {
        for (qsizetype i = m_fake->requests.size() - 1; i >= 0; --i) {
            if (m_fake->requests.at(i).path == QLatin1String(path))
                return m_fake->requests.at(i).body;
        }
        return {};
    }
    static void fill(QWidget *dialog, const char *name, const QString &text)
    {
        auto *edit = child<QLineEdit>(dialog, name);
        QVERIFY2(edit, name);
        edit->setText(text);
    }
};

QTEST_MAIN(TestSignIn)
#include "tst_console_signin.moc"
