#include "app/traycontroller.h"

#include "app/autostart.h"
#include "app/mainwindow.h"
#include "approvals/approvalpoller.h"
#include "approvals/desktopnotifier.h"
#include "approvals/traynotifier.h"
#include "apiclient/apiclient.h"

#include <QApplication>
#include <QCloseEvent>
#include <QMenu>
#include <QSettings>
#include <QSystemTrayIcon>

namespace tap::console {

namespace {

const QString kCloseToTray = QStringLiteral("tray/closeToTray");
const QString kNoticeShown = QStringLiteral("tray/keepsRunningShown");
constexpr int kMenuRequests = 10;

QString menuText(const Approval &a)
{
    const QUrl url(a.target);
    QString text =
            QStringLiteral("%1: %2 %3")
                    .arg(a.agentLabel(), a.method, url.host().isEmpty() ? a.target : url.host());
    if (text.size() > 60)
        text = text.left(59) + QChar(0x2026);
    return text.replace(u'&', QStringLiteral("&&"));
}

} // namespace

TrayController::TrayController(MainWindow *window, TrayNotifier *tray, ApprovalPoller *poller,
                               apiclient::ApiClient *api)
    : QObject(window),
      m_window(window),
      m_tray(tray),
      m_poller(poller),
      m_desktop(new DesktopNotifier(api, this)),
      m_menu(std::make_unique<QMenu>()),
      m_program(QCoreApplication::applicationFilePath()),
      m_trayAvailable(QSystemTrayIcon::isSystemTrayAvailable())
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_closeAction = new QAction(tr("&Keep running in the tray when closed"), this);
    m_closeAction->setObjectName(QStringLiteral("closeToTrayAction"));
    m_closeAction->setCheckable(true);
    m_closeAction->setChecked(closeToTray());
    connect(m_closeAction, &QAction::toggled, this, &TrayController::setCloseToTray);
    m_autostartAction = new QAction(tr("&Start at login"), this);
    m_autostartAction->setObjectName(QStringLiteral("autostartAction"));
    m_autostartAction->setCheckable(true);
    m_autostartAction->setChecked(autostart::isEnabled());
    connect(m_autostartAction, &QAction::toggled, this, [this](bool on) {
        if (!autostart::setEnabled(on, m_program)) {
            const QSignalBlocker block(m_autostartAction);
            m_autostartAction->setChecked(autostart::isEnabled());
            m_tray->trayIcon()->showMessage(tr("TAP Console"),
                                            tr("Could not change %1.").arg(autostart::entryPath()),
                                            QSystemTrayIcon::Warning);
        }
    });
    QApplication::setQuitOnLastWindowClosed(!closeToTray());

    m_tray->setDesktopNotifier(m_desktop);
    m_tray->trayIcon()->setContextMenu(m_menu.get());
    connect(m_desktop, &DesktopNotifier::openRequested, window, &MainWindow::openApproval);
    connect(m_desktop, &DesktopNotifier::decisionFailed, this, &TrayController::onDecisionFailed);
    connect(m_poller, &ApprovalPoller::updated, this, &TrayController::rebuildMenu);
    connect(m_poller, &ApprovalPoller::onlineChanged, this, &TrayController::rebuildMenu);
    rebuildMenu();
}

TrayController::~TrayController() = default;

bool TrayController::closeToTray() const
{
    return QSettings().value(kCloseToTray, m_trayAvailable).toBool();
}

void TrayController::setCloseToTray(bool on)
{
    QSettings().setValue(kCloseToTray, on);
    const QSignalBlocker block(m_closeAction);
    m_closeAction->setChecked(on);
    QApplication::setQuitOnLastWindowClosed(!on);
}

void TrayController::setTrayAvailable(bool available)
{
    m_trayAvailable = available;
    const QSignalBlocker block(m_closeAction);
    m_closeAction->setChecked(closeToTray());
    m_closeAction->setEnabled(available);
    QApplication::setQuitOnLastWindowClosed(!closeToTray());
}

bool TrayController::hideInsteadOfClose(QCloseEvent *event)
{
    // Without a tray there would be no way back to a hidden window.
    if (m_quitting || !m_trayAvailable || !closeToTray())
        return false;
    event->ignore();
    m_window->hide();
    QSettings settings;
    if (!settings.value(kNoticeShown, false).toBool()) {
        settings.setValue(kNoticeShown, true);
        m_tray->trayIcon()->showMessage(
                tr("TAP Console keeps running"),
                tr("It keeps watching for approval requests in the tray. Choose Quit in the "
                   "tray menu to end it."),
                QSystemTrayIcon::Information, 10000);
        Q_EMIT keepsRunningShown();
    }
    return true;
}

void TrayController::quit()
{
    m_quitting = true;
    m_window->close(); // saves the window's state
    m_poller->stop();
    m_tray->hide();
    Q_EMIT quitRequested();
    QCoreApplication::quit();
}

void TrayController::rebuildMenu()
{
    m_menu->clear();
    QAction *open = m_menu->addAction(tr("&Open TAP Console"), m_window,
                                      [this] { m_window->openApproval({}); });
    open->setObjectName(QStringLiteral("trayOpenAction"));
    m_menu->addSeparator();
    if (m_poller->isRunning() && !m_poller->isOnline()) {
        m_menu->addAction(tr("Disconnected from the server — retrying"))->setEnabled(false);
    } else if (m_poller->isRunning()) {
        int shown = 0;
        int mine = 0;
        for (const Approval &a : m_poller->pending()) {
            if (!a.needsMe())
                continue;
            if (++mine > kMenuRequests)
                continue;
            ++shown;
            QAction *item = m_menu->addAction(menuText(a), m_window,
                                              [this, id = a.id] { m_window->openApproval(id); });
            item->setObjectName(QStringLiteral("trayRequest:") + a.id);
            item->setToolTip(a.target);
        }
        if (mine > shown)
            m_menu->addAction(tr("%n more request(s)…", nullptr, mine - shown), m_window,
                              [this] { m_window->openApproval({}); });
        if (mine == 0)
            m_menu->addAction(tr("No requests waiting for you"))->setEnabled(false);
    }
    m_menu->addSeparator();
    QAction *quitAction = m_menu->addAction(tr("&Quit"), this, &TrayController::quit);
    quitAction->setObjectName(QStringLiteral("trayQuitAction"));
}

void TrayController::onDecisionFailed(const QString &approvalId, const QString &message)
{
    m_tray->warn(tr("The decision was not recorded"), message);
    m_window->openApproval(approvalId);
}

} // namespace tap::console
