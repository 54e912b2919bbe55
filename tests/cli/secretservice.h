// A private D-Bus session bus with gnome-keyring-daemon's Secret Service in a temporary
// directory: the real system keychain of a desktop, headless, for the tests of `tap login`
// (tst_cli_keychain). start() fails with a reason when dbus-daemon or gnome-keyring-daemon
// is not installed (packaging/install-deps.sh --test installs both).
#pragma once

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <sys/prctl.h>

#include <csignal>

namespace tap::test::cli {

class SecretService
{
public:
    ~SecretService()
    {
        // The keyring daemon leaves with its bus.
        if (m_bus.state() != QProcess::NotRunning) {
            m_bus.terminate();
            if (!m_bus.waitForFinished(10000)) {
                m_bus.kill();
                m_bus.waitForFinished(10000);
            }
        }
    }

    // Returns an error message, empty on success.
    QString start()
    {
        const QString dbus = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        const QString keyring =
                QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
        if (dbus.isEmpty() || keyring.isEmpty())
            return QStringLiteral("dbus-daemon and gnome-keyring-daemon are needed");
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        QDir(m_dir.path()).mkpath(QStringLiteral("run"));
        QFile::setPermissions(m_dir.filePath(QStringLiteral("run")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_dir.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.filePath(QStringLiteral("run")));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        m_bus.setProcessEnvironment(env);
        m_bus.setProcessChannelMode(QProcess::SeparateChannels);
        // Gone with the test, even when it crashes (the keyring daemon leaves with the bus).
        m_bus.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        m_bus.start(dbus,
                    { QStringLiteral("--session"), QStringLiteral("--nofork"),
                      QStringLiteral("--nopidfile"), QStringLiteral("--print-address=1") });
        if (!m_bus.waitForStarted(10000))
            return QStringLiteral("dbus-daemon did not start");
        while (!m_bus.canReadLine() && m_bus.waitForReadyRead(30000)) { }
        m_address = QString::fromUtf8(m_bus.readLine()).trimmed();
        if (m_address.isEmpty())
            return QStringLiteral("dbus-daemon printed no address");
        // Unlocks (and creates) the login keyring with a password on stdin, then daemonizes.
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
        QProcess unlock;
        unlock.setProcessEnvironment(env);
        unlock.start(keyring,
                     { QStringLiteral("--unlock"), QStringLiteral("--components=secrets") });
        if (!unlock.waitForStarted(10000))
            return QStringLiteral("gnome-keyring-daemon did not start");
        unlock.write("tap-test-keyring");
        unlock.closeWriteChannel();
        if (!unlock.waitForFinished(30000) || unlock.exitCode() != 0)
            return QStringLiteral("gnome-keyring-daemon --unlock failed: ")
                    + QString::fromUtf8(unlock.readAllStandardError());
        m_env = env;
        return {};
    }

    QString address() const { return m_address; }
    // The environment of a process that uses this keychain (secret-tool).
    QProcessEnvironment environment() const { return m_env; }

    // The entry QtKeychain's libsecret backend keeps (attributes user=KEY server=SERVICE);
    // empty when there is none or secret-tool is not installed.
    QByteArray lookup(const QString &service, const QString &key) const
    {
        QProcess p;
        p.setProcessEnvironment(m_env);
        p.start(QStringLiteral("secret-tool"),
                { QStringLiteral("lookup"), QStringLiteral("user"), key, QStringLiteral("server"),
                  service });
        if (!p.waitForFinished(30000))
            return {};
        return p.readAllStandardOutput();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    QString m_address;
    QProcessEnvironment m_env;
};

} // namespace tap::test::cli
