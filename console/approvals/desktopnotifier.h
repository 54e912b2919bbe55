#pragma once

#include "approvals/approval.h"

#include <QDBusConnection>
#include <QHash>
#include <QObject>
#include <QStringList>

namespace tap::apiclient {
class ApiClient;
}

namespace tap::console {

// Notifications with Approve and Deny buttons through the desktop's freedesktop notification
// server (org.freedesktop.Notifications on the session bus). Passkey-protected requests get
// "Open to approve" instead: the console window opens on them (the browser does the step-up).
// A decision is the inbox's: POST /admin/approvals/{id}/approve|deny with the session.
//
// Usable once the server answered GetCapabilities with "actions"; until then, on a desktop
// without one, or without a session bus (DBUS_SESSION_BUS_ADDRESS unset: no autolaunch),
// notify() returns false and the caller falls back to the tray balloon.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    // Uses the session bus.
    explicit DesktopNotifier(apiclient::ApiClient *api, QObject *parent = nullptr);
    DesktopNotifier(apiclient::ApiClient *api, const QDBusConnection &bus,
                    QObject *parent = nullptr);

    // The server answered (with or without "actions"), or there is none.
    bool isProbed() const { return m_probed; }
    bool isAvailable() const { return m_available; }
    // Asks the server's capabilities again (a notification server started later).
    void probe();

    // Shows `a` with its actions; false when no server with actions is known (then nothing
    // was sent).
    bool notify(const Approval &a);
    // Closes the notifications of requests no longer waiting for this member.
    void retain(const QList<Approval> &pending);
    // The approval ids of the notifications shown now.
    QStringList shownIds() const { return m_shown.values(); }

    // The body: agent, credential, method and target, and the start of the body preview
    // (escaped when the server reads markup).
    static QString bodyText(const Approval &a, bool markup);

signals:
    void availabilityChanged(bool available);
    // "Open to approve", or the notification itself was clicked.
    void openRequested(const QString &approvalId);
    void decided(const QString &approvalId, bool approved);
    void decisionFailed(const QString &approvalId, const QString &message);

private slots:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    void decide(const QString &approvalId, bool approve);

    apiclient::ApiClient *m_api;
    QDBusConnection m_bus;
    bool m_probed = false;
    bool m_available = false;
    bool m_markup = false;
    QHash<uint, QString> m_shown; // notification id → approval id
    QHash<QString, Approval> m_approvals; // of the notifications shown
};

} // namespace tap::console
