#pragma once

#include <QObject>

#include <memory>

class QAction;
class QCloseEvent;
class QMenu;

namespace tap::apiclient {
class ApiClient;
}

namespace tap::console {

class ApprovalPoller;
class DesktopNotifier;
class MainWindow;
class TrayNotifier;

// The console as a tray application: closing the window hides it while the tray icon keeps
// polling and notifying (setting "tray/closeToTray", on by default when the desktop has a
// tray); the tray menu (Open, the requests the member may decide, Quit); start at login (an
// XDG autostart entry); notifications with Approve and Deny where the desktop offers them.
class TrayController : public QObject
{
    Q_OBJECT
public:
    TrayController(MainWindow *window, TrayNotifier *tray, ApprovalPoller *poller,
                   apiclient::ApiClient *api);
    ~TrayController() override;

    bool closeToTray() const;
    void setCloseToTray(bool on);
    // Whether the desktop shows tray icons (tests pretend one).
    bool trayAvailable() const { return m_trayAvailable; }
    void setTrayAvailable(bool available);
    // From the window's closeEvent(): true when the window was hidden instead (the event is
    // then ignored).
    bool hideInsteadOfClose(QCloseEvent *event);
    // Quits for real (the File and tray menus' Quit).
    void quit();

    QMenu *menu() const { return m_menu.get(); }
    QAction *closeToTrayAction() const { return m_closeAction; }
    QAction *autostartAction() const { return m_autostartAction; }
    DesktopNotifier *desktopNotifier() const { return m_desktop; }
    // The path of the program that autostart runs (default: this executable).
    void setProgramPath(const QString &path) { m_program = path; }

signals:
    void quitRequested();
    // A one-time tray message: the window was closed but the console keeps running.
    void keepsRunningShown();

private:
    void rebuildMenu();
    void onDecisionFailed(const QString &approvalId, const QString &message);

    MainWindow *m_window;
    TrayNotifier *m_tray;
    ApprovalPoller *m_poller;
    DesktopNotifier *m_desktop;
    std::unique_ptr<QMenu> m_menu; // the tray's context menu (a top-level widget)
    QAction *m_closeAction;
    QAction *m_autostartAction;
    QString m_program;
    bool m_trayAvailable;
    bool m_quitting = false;
};

} // namespace tap::console
