#pragma once

// Shared pieces of the console widget tests: isolated settings, an in-memory keychain,
// a scripted desktop (URLs, questions, file names) and a signed-in session against the fake
// admin API.

#include "app/environment.h"
#include "session/secretstore.h"
#include "session/session.h"
#include "support/fakeadminapi.h"

#include <QAbstractButton>
#include <QDir>
#include <QHash>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWidget>

#include <memory>

namespace tap::console::test {

inline constexpr int kTimeout = 5000;

// The system keychain, in memory; `available = false` refuses like a missing Secret Service.
class FakeSecretStore : public SecretStore
{
public:
    bool available = true;
    QHash<QString, QString> entries;

    void read(const QString &key, ReadCallback done) override
    {
        later([this, key, done] {
            if (!available)
                return done(false, {}, QStringLiteral("No keychain service available"));
            done(entries.contains(key), entries.value(key),
                 entries.contains(key) ? QString() : QStringLiteral("Entry not found"));
        });
    }
    void write(const QString &key, const QString &value, WriteCallback done) override
    {
        later([this, key, value, done] {
            if (available)
                entries.insert(key, value);
            done(available,
                 available ? QString() : QStringLiteral("No keychain service available"));
        });
    }
    void remove(const QString &key, WriteCallback done) override
    {
        later([this, key, done] {
            entries.remove(key);
            done(available, {});
        });
    }

private:
    void later(std::function<void()> f) { QTimer::singleShot(0, this, std::move(f)); }
};

// What the desktop was asked to do.
struct FakeDesktop
{
    QList<QUrl> opened;
    QStringList questions;
    bool answer = true;
    QString saveAs;
    Environment::Unsaved unsavedAnswer = Environment::Unsaved::Discard;
    QStringList unsavedQuestions;

    Environment environment()
    {
        Environment env;
        env.openUrl = [this](const QUrl &url) {
            opened << url;
            return true;
        };
        env.confirm = [this](QWidget *, const QString &, const QString &text) {
            questions << text;
            return answer;
        };
        env.unsaved = [this](QWidget *, const QString &, const QString &text) {
            unsavedQuestions << text;
            return unsavedAnswer;
        };
        env.saveFileName = [this](QWidget *, const QString &, const QString &) { return saveAs; };
        return env;
    }
};

// Settings in a temporary directory, so tests neither read nor write the user's.
inline void isolateSettings(const QTemporaryDir &dir)
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("TAP-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tap-console-test"));
    QSettings().clear();
}

inline Profile profileFor(const testsupport::FakeAdminApi &fake,
                          const QString &email = QStringLiteral("admin@example.com"))
{
    return Profile{ fake.url(), email };
}

// Logs `session` in as `email` (an account the fake knows); true when signed in.
inline bool signIn(Session &session, const testsupport::FakeAdminApi &fake,
                   const QString &email = QStringLiteral("admin@example.com"),
                   const QString &password = QStringLiteral("correct horse"))
{
    bool done = false;
    session.login(profileFor(fake, email), password,
                  [&done](const Session::Reply &) { done = true; });
    return QTest::qWaitFor([&done] { return done; }, kTimeout) && session.isSignedIn();
}

// The set-up the console widget tests share (a test class derives from QObject and this):
// settings in a temporary directory, the fake admin API with the account admin@example.com
// ("correct horse"), an in-memory keychain and a session using it, not yet signed in. init()
// starts with QVERIFY(startRig()); cleanup() ends with stopRig() (after the test's windows).
class ConsoleRig
{
protected:
    bool startRig()
    {
        if (!m_dir.isValid())
            return false;
        isolateSettings(m_dir);
        m_fake = std::make_unique<testsupport::FakeAdminApi>();
        if (!m_fake->listen())
            return false;
        m_fake->addAccount(QStringLiteral("admin@example.com"), QStringLiteral("correct horse"));
        m_secrets = std::make_unique<FakeSecretStore>();
        m_session = std::make_unique<Session>(m_secrets.get());
        return true;
    }
    void stopRig()
    {
        m_session.reset();
        m_fake.reset();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<testsupport::FakeAdminApi> m_fake;
    std::unique_ptr<FakeSecretStore> m_secrets;
    std::unique_ptr<Session> m_session;
};

template <typename T = QWidget>
T *child(const QObject *parent, const char *name)
{
    return parent->findChild<T *>(QString::fromLatin1(name));
}

// The rows of the table view `table` on `page` (-1 without one).
inline int rows(QWidget *page, const char *table)
{
    auto *view = child<QTableView>(page, table);
    return view ? view->model()->rowCount() : -1;
}

// Selects the row of `table` whose first column reads `text`; false if there is none.
inline bool selectText(QWidget *page, const char *table, const QString &text)
{
    auto *view = child<QTableView>(page, table);
    for (int row = 0; view && row < view->model()->rowCount(); ++row) {
        if (view->model()->index(row, 0).data().toString() == text) {
            view->selectRow(row);
            return true;
        }
    }
    return false;
}

inline void click(const QObject *parent, const char *name)
{
    auto *button = child<QAbstractButton>(parent, name);
    QVERIFY2(button, name);
    QVERIFY2(button->isEnabled(), name);
    QTest::mouseClick(button, Qt::LeftButton);
}

// With TAP_CONSOLE_SCREENSHOT_DIR set, saves `widget` as <dir>/<name>.png.
inline void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("TAP_CONSOLE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget->grab().save(dir + u'/' + name + QStringLiteral(".png")));
}

} // namespace tap::console::test
