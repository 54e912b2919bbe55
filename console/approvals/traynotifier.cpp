#include "approvals/traynotifier.h"

#include "approvals/desktopnotifier.h"

namespace tap::console {

TrayNotifier::TrayNotifier(const QIcon &icon, QObject *parent)
    : QObject(parent), m_tray(icon), m_icon(icon)
{
    m_tray.setToolTip(tr("TAP Console"));
    connect(&m_tray, &QSystemTrayIcon::messageClicked, this,
            [this] { Q_EMIT openRequested(m_lastId); });
    connect(&m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason r) {
                if (r == QSystemTrayIcon::Trigger || r == QSystemTrayIcon::DoubleClick)
                    Q_EMIT activated();
            });
}

void TrayNotifier::show()
{
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_tray.show();
}

void TrayNotifier::update(const QList<Approval> &pending, bool first)
{
    int mine = 0;
    QList<const Approval *> fresh;
    for (const Approval &a : pending) {
        mine += a.needsMe() ? 1 : 0;
        if (a.needsMe() && !m_seen.contains(a.id))
            fresh.append(&a);
        m_seen.insert(a.id);
    }
    m_pendingCount = mine; // what this member may decide, not every pending request
    m_online = true; // the list just came from the server
    m_tray.setIcon(m_icon);
    showCount();
    if (m_desktop)
        m_desktop->retain(pending); // decided elsewhere: their notifications go
    if (first && fresh.size() != 1) {
        // Requests that were waiting before the console started: one summary, not a flood
        // (a single one is notified as itself, with its actions); none for requests already
        // notified (the poller restarted).
        if (!fresh.isEmpty())
            notify(tr("Approvals waiting"),
                   tr("%n request(s) are waiting for your decision.", nullptr, int(fresh.size())),
                   QString());
        return;
    }
    for (const Approval *a : fresh)
        notify(*a);
}

void TrayNotifier::notify(const Approval &a)
{
    const QString text =
            tr("%1 wants to use %2: %3 %4").arg(a.agentLabel(), a.credential, a.method, a.target);
    if (!m_desktop || !m_desktop->notify(a))
        return notify(tr("Approval requested"), text, a.id);
    ++m_notifications;
    m_lastId = a.id;
    m_lastMessage = text;
}

void TrayNotifier::warn(const QString &title, const QString &text)
{
    m_lastMessage = text;
    m_tray.showMessage(title, text, QSystemTrayIcon::Warning, 15000);
}

void TrayNotifier::clear()
{
    m_seen.clear();
    m_lastId.clear();
    m_pendingCount = -1;
    m_online = true;
    m_tray.setIcon(m_icon);
    m_tray.setToolTip(tr("TAP Console"));
}

void TrayNotifier::setOnline(bool online)
{
    m_online = online;
    m_tray.setIcon(online ? m_icon : QIcon(m_icon.pixmap(64, QIcon::Disabled)));
    showCount();
}

void TrayNotifier::showCount()
{
    if (!m_online)
        m_tray.setToolTip(tr("TAP Console: disconnected from the server — retrying"));
    else if (m_pendingCount < 0)
        m_tray.setToolTip(tr("TAP Console"));
    else
        m_tray.setToolTip(tr("TAP Console: %n pending approval(s)", nullptr, m_pendingCount));
}

void TrayNotifier::notify(const QString &title, const QString &text, const QString &id)
{
    ++m_notifications;
    m_lastId = id;
    m_lastMessage = text;
    ++m_balloons;
    m_tray.showMessage(title, text, QSystemTrayIcon::Information, 15000);
}

} // namespace tap::console
