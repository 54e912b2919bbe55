#include "app/mainwindow.h"

#include "app/icons.h"
#include "app/traycontroller.h"
#include "app/welcomepage.h"
#include "approvals/approvalpoller.h"
#include "approvals/traynotifier.h"
#include "dialogs/signindialog.h"
#include "pages/agentspage.h"
#include "pages/auditpage.h"
#include "pages/channelspage.h"
#include "pages/credentialspage.h"
#include "pages/inboxpage.h"
#include "pages/linkspage.h"
#include "pages/policiespage.h"
#include "pages/rolespage.h"
#include "pages/teampage.h"
#include "session/session.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

namespace tap::console {

MainWindow::MainWindow(Session *session, const Environment &env, QWidget *parent)
    : QMainWindow(parent),
      m_session(session),
      m_env(env),
      m_poller(new ApprovalPoller(session->api(), this)),
      m_tray(new TrayNotifier(icon(QStringLiteral("tap")), this)),
      m_trayController(new TrayController(this, m_tray, m_poller, session->api()))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TAP Console"));
    setWindowIcon(icon(QStringLiteral("tap")));
    m_inbox = new InboxPage(session, env, m_poller);
    m_pages = { m_inbox,
                new TeamPage(session, env),
                new CredentialsPage(session, env),
                new PoliciesPage(session, env),
                new AgentsPage(session, env),
                new RolesPage(session, env),
                new ChannelsPage(session, env),
                new LinksPage(session, env),
                new AuditPage(session, env) };

    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    m_nav = new QListWidget(split);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setMaximumWidth(240);
    m_nav->setIconSize(QSize(20, 20));
    m_stack = new QStackedWidget(split);
    m_stack->setObjectName(QStringLiteral("pageStack"));
    for (Page *p : std::as_const(m_pages)) {
        m_nav->addItem(new QListWidgetItem(icon(p->iconName()), p->title()));
        m_stack->addWidget(p);
    }
    split->setStretchFactor(1, 1);
    m_welcome = new WelcomePage(this);
    m_central = new QStackedWidget(this);
    m_central->setObjectName(QStringLiteral("centralStack"));
    m_central->addWidget(split);
    m_central->addWidget(m_welcome);
    setCentralWidget(m_central);
    connect(m_welcome, &WelcomePage::logInRequested, this, [this] { showSignIn(); });
    connect(m_welcome, &WelcomePage::signUpRequested, this, &MainWindow::showSignUp);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row != m_stack->currentIndex() && !currentPage()->canLeave()) {
            const QSignalBlocker block(m_nav); // unsaved edits: stay
            m_nav->setCurrentRow(m_stack->currentIndex());
            return;
        }
        m_stack->setCurrentIndex(row);
        updateEditActions();
        if (m_session->isSignedIn() && row >= 0)
            m_pages.at(row)->refresh();
    });
    for (Page *p : std::as_const(m_pages))
        connect(p, &Page::actionsChanged, this, &MainWindow::updateEditActions);

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("busyIndicator"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_user = new QLabel(tr("Not signed in."), this);
    m_user->setObjectName(QStringLiteral("userLabel"));
    m_keychain = new QLabel(this);
    m_keychain->setObjectName(QStringLiteral("keychainNotice"));
    m_keychain->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    m_keychain->hide();
    m_connection = new QLabel(this);
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_connection->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    m_connection->hide();
    m_retry = new QPushButton(icon(QStringLiteral("refresh")), tr("Retr&y"), this);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_retry->hide();
    m_reconnect = new QTimer(this);
    m_reconnect->setSingleShot(true);
    m_reconnect->setInterval(15000);
    connect(m_reconnect, &QTimer::timeout, this, &MainWindow::start);
    connect(m_retry, &QPushButton::clicked, this, &MainWindow::start);
    statusBar()->addWidget(m_user, 1);
    statusBar()->addWidget(m_connection);
    statusBar()->addWidget(m_retry);
    statusBar()->addPermanentWidget(m_keychain);
    statusBar()->addPermanentWidget(m_busy);
    connect(session->api(), &apiclient::ApiClient::busyChanged, this, [this](bool busy) {
        m_busy->setVisible(busy);
        if (busy)
            QApplication::setOverrideCursor(Qt::BusyCursor);
        else
            QApplication::restoreOverrideCursor();
    });

    buildMenus();
    connect(session, &Session::signedIn, this, &MainWindow::onSignedIn);
    connect(session, &Session::expired, this, &MainWindow::onExpired);
    connect(session, &Session::signedOut, this, &MainWindow::onSignedOut);
    connect(session, &Session::keychainUnavailable, this, [this](const QString &message) {
        m_keychain->setText(tr("Session kept in memory only"));
        m_keychain->setToolTip(message);
        m_keychain->show();
        statusBar()->showMessage(message, 15000);
    });
    connect(m_poller, &ApprovalPoller::updated, m_tray, &TrayNotifier::update);
    connect(m_poller, &ApprovalPoller::onlineChanged, this, &MainWindow::onOnlineChanged);
    connect(m_tray, &TrayNotifier::openRequested, this, &MainWindow::openApproval);
    connect(m_tray, &TrayNotifier::activated, this, [this] { openApproval({}); });
    m_nav->setCurrentRow(0);
    restoreState();
}

MainWindow::~MainWindow()
{
    if (m_busy->isVisible())
        QApplication::restoreOverrideCursor();
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_logIn = file->addAction(icon(QStringLiteral("key")), tr("Log &in…"), this,
                              [this] { showSignIn(); });
    m_logIn->setObjectName(QStringLiteral("loginAction"));
    m_logOut = file->addAction(icon(QStringLiteral("logout")), tr("&Log out"), this,
                               &MainWindow::logout);
    m_logOut->setObjectName(QStringLiteral("logoutAction"));
    m_logOut->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_logOut->setEnabled(false);
    file->addSeparator();
    file->addAction(m_trayController->closeToTrayAction());
    file->addAction(m_trayController->autostartAction());
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), m_trayController, &TrayController::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_create = edit->addAction(icon(QStringLiteral("add")), tr("&New…"), this, [this] {
        if (currentPage()->canCreate())
            currentPage()->createNew();
    });
    m_create->setObjectName(QStringLiteral("newAction"));
    m_create->setShortcut(QKeySequence::New);
    m_remove = edit->addAction(icon(QStringLiteral("delete")), tr("&Delete"), this, [this] {
        if (currentPage()->canDelete())
            currentPage()->deleteSelected();
    });
    m_remove->setObjectName(QStringLiteral("deleteAction"));
    m_remove->setShortcut(QKeySequence::Delete);
    QAction *find = edit->addAction(tr("&Filter"), this, [this] {
        static_cast<Page *>(m_stack->currentWidget())->filterEdit()->setFocus();
    });
    find->setShortcut(QKeySequence::Find);
    edit->addSeparator();
    QAction *approve =
            edit->addAction(icon(QStringLiteral("approve")), tr("&Approve request"), this, [this] {
                showPage(m_inbox);
                m_inbox->approve();
            });
    approve->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    QAction *deny =
            edit->addAction(icon(QStringLiteral("deny")), tr("Den&y request"), this, [this] {
                showPage(m_inbox);
                m_inbox->deny();
            });
    deny->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *reload =
            view->addAction(icon(QStringLiteral("refresh")), tr("&Refresh"), this, [this] {
                if (m_session->isSignedIn())
                    static_cast<Page *>(m_stack->currentWidget())->refresh();
            });
    reload->setShortcut(QKeySequence::Refresh);
    view->addSeparator();
    for (int i = 0; i < m_pages.size(); ++i) {
        QAction *go = view->addAction(icon(m_pages.at(i)->iconName()), m_pages.at(i)->title(), this,
                                      [this, i] { m_nav->setCurrentRow(i); });
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    buildHelpMenu();
    updateEditActions();
}

void MainWindow::buildHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *readme = help->addAction(tr("&Read the manual (README)"), this, [this] {
        if (m_env.openUrl)
            m_env.openUrl(readmeUrl());
    });
    readme->setObjectName(QStringLiteral("readmeAction"));
    readme->setShortcut(QKeySequence::HelpContents);
    QAction *about = help->addAction(icon(QStringLiteral("tap")), tr("&About TAP Console"), this,
                                     &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
}

// The README as the package installs it (packaging/CMakeLists.txt), under any XDG data dir.
QUrl MainWindow::readmeUrl()
{
    const QString readme = QStandardPaths::locate(QStandardPaths::GenericDataLocation,
                                                  QStringLiteral("doc/tap-console/README.md"));
    return QUrl::fromLocalFile(
            readme.isEmpty() ? QStringLiteral("/usr/share/doc/tap-console/README.md") : readme);
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(
            QMessageBox::NoIcon, tr("About TAP Console"),
            tr("<h3>TAP Console %1</h3><p>The desktop console of TAP, the "
               "credential proxy for AI agents: manage your team's "
               "credentials, policies and agents, and answer approval "
               "requests.</p><p>Built with Qt %2.</p>")
                    .arg(QStringLiteral(TAP_VERSION), QString::fromLatin1(qVersion())),
            QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("aboutDialog"));
    box->setIconPixmap(icon(QStringLiteral("tap")).pixmap(64, 64));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

Page *MainWindow::currentPage() const
{
    return static_cast<Page *>(m_stack->currentWidget());
}

void MainWindow::updateEditActions()
{
    if (!m_create || !m_stack->currentWidget())
        return;
    m_create->setEnabled(currentPage()->canCreate());
    m_remove->setEnabled(currentPage()->canDelete());
}

void MainWindow::showWelcome(bool firstRun)
{
    m_welcome->setFirstRun(firstRun);
    m_central->setCurrentWidget(m_welcome);
}

Page *MainWindow::page(const QString &objectName) const
{
    for (Page *p : m_pages) {
        if (p->objectName() == objectName)
            return p;
    }
    return nullptr;
}

SignInDialog *MainWindow::signInDialog() const
{
    return m_signIn.data();
}

void MainWindow::showPage(Page *page)
{
    m_nav->setCurrentRow(int(m_pages.indexOf(page)));
}

void MainWindow::start()
{
    m_reconnect->stop();
    const auto last = ProfileStore().last();
    if (!last)
        return showWelcome(true); // first run: Sign up or Log in
    m_central->setCurrentIndex(0);
    m_retry->setEnabled(false);
    m_session->restore(*last, [this, url = last->url](Session::Restored result) {
        m_retry->setEnabled(true);
        if (result == Session::Restored::SignedOut) {
            showConnection({}, false);
            return showSignIn();
        }
        if (result == Session::Restored::Unreachable) {
            // Not "signed out": the session is kept, the server is away. Try again.
            m_user->setText(tr("Server unreachable."));
            showConnection(
                    tr("Cannot reach the server at %1 — retrying.").arg(url.toDisplayString()),
                    true);
            m_reconnect->start();
        }
    });
}

void MainWindow::showConnection(const QString &text, bool retry)
{
    m_connection->setText(text);
    m_connection->setVisible(!text.isEmpty());
    m_retry->setVisible(retry);
}

void MainWindow::onOnlineChanged(bool online)
{
    m_tray->setOnline(online);
    m_inbox->setOnline(online);
    showConnection(online ? QString() : tr("Disconnected from the server — retrying…"), false);
}

void MainWindow::showSignIn(const QString &notice)
{
    if (!m_signIn) {
        m_signIn = new SignInDialog(m_session, this);
        m_signIn->setAttribute(Qt::WA_DeleteOnClose);
    }
    if (m_session->profile().isValid())
        m_signIn->setProfile(m_session->profile());
    m_signIn->setNotice(notice);
    m_signIn->open();
}

void MainWindow::showSignUp()
{
    showSignIn();
    m_signIn->setMode(SignInDialog::Signup);
}

void MainWindow::logout()
{
    m_session->logout();
}

void MainWindow::onSignedIn()
{
    setWindowTitle(tr("TAP Console — %1").arg(m_session->teamName()));
    m_user->setText(
            tr("%1 in team %2 (%3)")
                    .arg(m_session->profile().email, m_session->teamName(), m_session->role()));
    if (m_session->tokenInKeychain())
        m_keychain->hide();
    m_reconnect->stop();
    m_central->setCurrentIndex(0);
    m_logIn->setEnabled(false);
    m_logOut->setEnabled(true);
    updateEditActions();
    showConnection({}, false);
    m_tray->clear();
    m_tray->show();
    m_poller->start();
    if (m_stack->currentWidget() != m_inbox) // the poller fills the inbox
        static_cast<Page *>(m_stack->currentWidget())->refresh();
}

void MainWindow::onExpired()
{
    m_poller->stop();
    m_user->setText(tr("Session expired."));
    showSignIn(tr("Your session has expired or was ended. Log in again to continue."));
}

void MainWindow::onSignedOut()
{
    m_poller->stop();
    showConnection({}, false);
    m_tray->clear();
    m_tray->hide();
    for (Page *p : std::as_const(m_pages))
        p->clear();
    setWindowTitle(tr("TAP Console"));
    m_user->setText(tr("Not signed in."));
    m_logIn->setEnabled(true);
    m_logOut->setEnabled(false);
    updateEditActions();
    showWelcome(false); // with Log in…, not a dialog that pops up unasked
}

void MainWindow::openApproval(const QString &id)
{
    showNormal();
    raise();
    activateWindow();
    showPage(m_inbox);
    m_inbox->showApproval(id);
}

void MainWindow::restoreState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1000, 640);
    QMainWindow::restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    const int row = settings.value(QStringLiteral("window/page"), 0).toInt();
    if (row >= 0 && row < m_pages.size())
        m_nav->setCurrentRow(row);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_trayController->hideInsteadOfClose(event))
        return; // the tray keeps polling and notifying
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/page"), m_nav->currentRow());
    QMainWindow::closeEvent(event);
}

} // namespace tap::console
