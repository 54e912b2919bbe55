#include "approvals/desktopnotifier.h"

#include "apiclient/apiclient.h"
#include "app/errortext.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QJsonObject>
#include <QUrl>

namespace tap::console {

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
constexpr int kCallTimeoutMs = 10000;
constexpr int kPreviewChars = 120;
constexpr int kTargetChars = 100;

QDBusConnection sessionBus()
{
    // No autolaunch of a private bus (dbus-launch under X) when the desktop has none.
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return QDBusConnection(QStringLiteral("tap-no-session-bus"));
    return QDBusConnection::sessionBus();
}

QString elide(const QString &text, int chars)
{
    return text.size() <= chars ? text : text.left(chars - 1) + QChar(0x2026);
}

} // namespace

DesktopNotifier::DesktopNotifier(apiclient::ApiClient *api, QObject *parent)
    : DesktopNotifier(api, sessionBus(), parent)
{
}

DesktopNotifier::DesktopNotifier(apiclient::ApiClient *api, const QDBusConnection &bus,
                                 QObject *parent)
    : QObject(parent), m_api(api), m_bus(bus)
{
    if (m_bus.isConnected()) {
        m_bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                      SLOT(onActionInvoked(uint, QString)));
        m_bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                      SLOT(onClosed(uint, uint)));
    }
    probe();
}

void DesktopNotifier::probe()
{
    if (!m_bus.isConnected()) {
        m_probed = true;
        return;
    }
    const auto call = QDBusMessage::createMethodCall(kService, kPath, kInterface,
                                                     QStringLiteral("GetCapabilities"));
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, kCallTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QDBusPendingReply<QStringList> reply = *watcher;
        const QStringList caps = reply.isError() ? QStringList() : reply.value();
        const bool available = caps.contains(u"actions");
        m_markup = caps.contains(u"body-markup");
        m_probed = true;
        if (std::exchange(m_available, available) != available)
            Q_EMIT availabilityChanged(available);
    });
}

QString DesktopNotifier::bodyText(const Approval &a, bool markup)
{
    const QUrl url(a.target);
    const QString where = url.isValid() && !url.host().isEmpty() ? url.host()
                    + (url.port() > 0 ? u':' + QString::number(url.port()) : QString()) + url.path()
                                                                 : a.target;
    QStringList lines{
        tr("%1 wants to use %2").arg(a.agentLabel(), a.credential),
        elide(a.method + u' ' + where, kTargetChars),
    };
    if (!a.bodyPreview.isEmpty())
        lines << elide(a.bodyPreview.simplified(), kPreviewChars);
    if (a.requirePasskey)
        lines << tr("Needs a passkey: open it to approve.");
    if (markup) {
        for (QString &line : lines)
            line = line.toHtmlEscaped();
    }
    return lines.join(u'\n');
}

bool DesktopNotifier::notify(const Approval &a)
{
    if (!m_available)
        return false;
    QStringList actions{ QStringLiteral("default"), tr("Open") };
    if (a.requirePasskey)
        actions << QStringLiteral("open") << tr("Open to approve");
    else
        actions << QStringLiteral("approve") << tr("Approve") << QStringLiteral("deny")
                << tr("Deny");
    const QVariantMap hints{ { QStringLiteral("urgency"), QVariant::fromValue(uchar(1)) },
                             { QStringLiteral("desktop-entry"), QStringLiteral("tap-console") },
                             { QStringLiteral("category"), QStringLiteral("im.received") } };
    auto call =
            QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
    call << tr("TAP Console") << uint(0) << QStringLiteral("tap-console")
         << tr("Approval requested") << bodyText(a, m_markup) << actions << hints << int(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, kCallTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, a] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            qWarning("tap-console: notification not shown: %s",
                     qPrintable(reply.error().message()));
            return;
        }
        m_shown.insert(reply.value(), a.id);
        m_approvals.insert(a.id, a);
    });
    return true;
}

void DesktopNotifier::retain(const QList<Approval> &pending)
{
    QSet<QString> waiting;
    for (const Approval &a : pending) {
        if (a.needsMe())
            waiting.insert(a.id);
    }
    for (auto it = m_shown.begin(); it != m_shown.end();) {
        if (waiting.contains(it.value())) {
            ++it;
            continue;
        }
        auto call = QDBusMessage::createMethodCall(kService, kPath, kInterface,
                                                   QStringLiteral("CloseNotification"));
        call << it.key();
        m_bus.asyncCall(call, kCallTimeoutMs);
        m_approvals.remove(it.value());
        it = m_shown.erase(it);
    }
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    // Every application's notifications signal here: only ours are acted on.
    const auto it = m_shown.constFind(id);
    if (it == m_shown.cend())
        return;
    const QString approvalId = it.value();
    const bool passkey = m_approvals.value(approvalId).requirePasskey;
    m_shown.erase(it);
    m_approvals.remove(approvalId);
    if ((action == u"approve" && !passkey) || action == u"deny")
        decide(approvalId, action == u"approve");
    else if (action == u"approve" || action == u"open" || action == u"default")
        Q_EMIT openRequested(approvalId);
}

void DesktopNotifier::onClosed(uint id, uint /*reason*/)
{
    if (const auto it = m_shown.constFind(id); it != m_shown.cend()) {
        m_approvals.remove(it.value());
        m_shown.erase(it);
    }
}

void DesktopNotifier::decide(const QString &approvalId, bool approve)
{
    const QString verb = approve ? QStringLiteral("/approve") : QStringLiteral("/deny");
    m_api->post(
            QStringLiteral("/admin/approvals/") + apiclient::ApiClient::segment(approvalId) + verb,
            QJsonObject(), this, [this, approvalId, approve](const apiclient::ApiClient::Reply &r) {
                // The server decides what needs a passkey: the window takes over.
                if (r.status == 403 && r.error.code == u"passkey_required")
                    return Q_EMIT openRequested(approvalId);
                if (!r.ok())
                    return Q_EMIT decisionFailed(approvalId, ErrorText::ofDecision(r));
                Q_EMIT decided(approvalId, approve);
            });
}

} // namespace tap::console
