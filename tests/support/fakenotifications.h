// A freedesktop notification server (org.freedesktop.Notifications) for the console's
// notification tests: it records every Notify call and emits ActionInvoked and
// NotificationClosed when the test says so. It uses its own connection to the session bus,
// so the console's calls and the signals really cross the bus (run the test under
// dbus-run-session: a private bus, never the desktop's).
#pragma once

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

namespace tap::test {

class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        uint id = 0;
        QString appName;
        QString icon;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
    };

    QStringList capabilities{ QStringLiteral("actions"), QStringLiteral("body"),
                              QStringLiteral("body-markup") };
    QList<Call> calls;
    QList<uint> closed; // CloseNotification calls

    FakeNotifications()
        : m_bus(QDBusConnection::connectToBus(QDBusConnection::SessionBus,
                                              QStringLiteral("tap-fake-notifications")))
    {
    }
    ~FakeNotifications() override
    {
        unregister();
        QDBusConnection::disconnectFromBus(QStringLiteral("tap-fake-notifications"));
    }

    // False when there is no session bus or the name is taken (a real notification server:
    // not a private bus).
    bool registerService()
    {
        return m_bus.isConnected()
                && m_bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), this,
                                        QDBusConnection::ExportAllSlots
                                                | QDBusConnection::ExportAllSignals)
                && m_bus.registerService(QStringLiteral("org.freedesktop.Notifications"));
    }
    void unregister()
    {
        m_bus.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
        m_bus.unregisterObject(QStringLiteral("/org/freedesktop/Notifications"));
    }

    // The user clicked `action` of notification `id`; the server then closes it (reason 2).
    void invoke(uint id, const QString &action)
    {
        Q_EMIT ActionInvoked(id, action);
        Q_EMIT NotificationClosed(id, 2);
    }

public slots:
    QStringList GetCapabilities() { return capabilities; }
    uint Notify(const QString &appName, uint replacesId, const QString &icon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(timeout);
        const uint id = replacesId ? replacesId : ++m_lastId;
        calls.append(Call{ id, appName, icon, summary, body, actions, hints });
        return id;
    }
    void CloseNotification(uint id)
    {
        closed.append(id);
        Q_EMIT NotificationClosed(id, 3);
    }
    QString GetServerInformation(QString &vendor, QString &version, QString &specVersion)
    {
        vendor = QStringLiteral("TAP tests");
        version = QStringLiteral("1");
        specVersion = QStringLiteral("1.2");
        return QStringLiteral("fake-notifications");
    }

signals:
    void ActionInvoked(uint id, const QString &actionKey);
    void NotificationClosed(uint id, uint reason);

private:
    QDBusConnection m_bus;
    uint m_lastId = 0;
};

} // namespace tap::test
