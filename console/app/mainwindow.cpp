#include "app/mainwindow.h"

#include "app/icons.h"
#include "app/traycontroller.h"
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
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QSettings>
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
    setCentralWidget(split);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        m_stack->setCurrentIndex(row);
        if (m_session->isSignedIn() && row >= 0)
            m_pages.at(row)->refresh();
    });

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
    m_retry = new QPushButton(icon(QStringLiteral("refresh")), tr("&Retry"), this);
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
    QAction *signOut = file->addAction(icon(QStringLiteral("logout")), tr("&Log out"), this,
                                       &MainWindow::logout);
    signOut->setObjectName(QStringLiteral("logoutAction"));
    signOut->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    file->addSeparator();
    file->addAction(m_trayController->closeToTrayAction());
    file->addAction(m_trayController->autostartAction());
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), m_trayController, &TrayController::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *create = edit->addAction(icon(QStringLiteral("add")), tr("&New…"), this, [this] {
        static_cast<Page *>(m_stack->currentWidget())->createNew();
    });
    create->setShortcut(QKeySequence::New);
    QAction *remove = edit->addAction(icon(QStringLiteral("delete")), tr("&Delete"), this, [this] {
        static_cast<Page *>(m_stack->currentWidget())->deleteSelected();
    });
    remove->setShortcut(QKeySequence::Delete);
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
            edit->addAction(icon(QStringLiteral("deny")), tr("De&ny request"), this, [this] {
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
        return showSignIn();
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
    showSignIn();
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
