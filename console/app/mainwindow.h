#pragma once

#include "app/environment.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QAction;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTimer;
class QStackedWidget;

namespace tap::console {

class ApprovalPoller;
class InboxPage;
class Page;
class Session;
class SignInDialog;
class TrayController;
class TrayNotifier;
class WelcomePage;

// The console's main window: a page list on the left, the current page on the right, the
// approvals tray icon, and the sign-in dialog whenever there is no session.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(Session *session, const Environment &env, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Signs in with the last profile's kept token, or asks.
    void start();
    Page *page(const QString &objectName) const;
    QList<Page *> pages() const { return m_pages; }
    void showPage(Page *page);
    InboxPage *inbox() const { return m_inbox; }
    ApprovalPoller *poller() const { return m_poller; }
    TrayNotifier *tray() const { return m_tray; }
    TrayController *trayController() const { return m_trayController; }
    SignInDialog *signInDialog() const;
    WelcomePage *welcomePage() const { return m_welcome; }
    // Help → Read the manual.
    static QUrl readmeUrl();

public slots:
    void showSignIn(const QString &notice = {});
    void showSignUp();
    void logout();
    void openApproval(const QString &id);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildHelpMenu();
    // Ctrl+N / Delete follow the current page's New / Delete button (role, selection, state).
    void updateEditActions();
    Page *currentPage() const;
    // Without a session: the welcome page (first run) or the logged-out page.
    void showWelcome(bool firstRun);
    void showAbout();
    void onSignedIn();
    void onExpired();
    void onSignedOut();
    void restoreState();
    // The connection line of the status bar: the server went away (poller) or could not be
    // reached at start-up (with Retry); empty hides it.
    void showConnection(const QString &text, bool retry);
    void onOnlineChanged(bool online);

    Session *m_session;
    Environment m_env;
    QListWidget *m_nav;
    QStackedWidget *m_stack;
    QStackedWidget *m_central; // the welcome page, or the page list and pages
    WelcomePage *m_welcome;
    QAction *m_logIn = nullptr;
    QAction *m_logOut = nullptr;
    QAction *m_create = nullptr;
    QAction *m_remove = nullptr;
    QList<Page *> m_pages;
    InboxPage *m_inbox;
    ApprovalPoller *m_poller;
    TrayNotifier *m_tray;
    TrayController *m_trayController;
    QProgressBar *m_busy;
    QLabel *m_user;
    QLabel *m_keychain;
    QLabel *m_connection;
    QPushButton *m_retry;
    QTimer *m_reconnect; // start-up: tries again while the server is unreachable
    QPointer<SignInDialog> m_signIn;
};

} // namespace tap::console
