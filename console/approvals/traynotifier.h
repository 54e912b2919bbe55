#pragma once

#include "approvals/approval.h"

#include <QObject>
#include <QSet>
#include <QSystemTrayIcon>

namespace tap::console {

class DesktopNotifier;

// The tray icon: the number of pending approvals the member can decide in its tooltip, and
// one desktop notification for each new request the member can decide (never twice): with
// Approve and Deny through the DesktopNotifier when the desktop offers actions, else the tray
// balloon. Clicking the balloon asks to open the inbox on that request.
class TrayNotifier : public QObject
{
    Q_OBJECT
public:
    explicit TrayNotifier(const QIcon &icon, QObject *parent = nullptr);

    QSystemTrayIcon *trayIcon() { return &m_tray; }
    void show();
    void hide() { m_tray.hide(); }
    // A fresh pending list from the poller.
    void update(const QList<Approval> &pending, bool first);
    void clear();
    // A warning in the tray balloon (e.g. a decision from a notification failed).
    void warn(const QString &title, const QString &text);
    // Notifications go there first (it answers false without a notification server).
    void setDesktopNotifier(DesktopNotifier *desktop) { m_desktop = desktop; }
    // Offline: the icon greys out and the tooltip says so instead of a count (which would be
    // stale, or a false "0 pending").
    void setOnline(bool online);
    bool isOnline() const { return m_online; }
    int notificationCount() const { return m_notifications; }
    QString lastNotifiedId() const { return m_lastId; }
    QString lastMessage() const { return m_lastMessage; }
    // How many of the notifications went to the tray balloon (no notification server).
    int balloonCount() const { return m_balloons; }

signals:
    void openRequested(const QString &approvalId);
    void activated();

private:
    void notify(const QString &title, const QString &text, const QString &id);
    void notify(const Approval &a);

    void showCount();

    QSystemTrayIcon m_tray;
    QIcon m_icon;
    int m_pendingCount = -1; // -1: not known yet
    bool m_online = true;
    QSet<QString> m_seen;
    QString m_lastId;
    QString m_lastMessage;
    int m_notifications = 0;
    int m_balloons = 0;
    DesktopNotifier *m_desktop = nullptr;
};

} // namespace tap::console
