// Form dialogs and the lifetime of their requests (issue #18, defect 1): closing a dialog (Esc,
// Cancel) while its request runs aborts the request, and an answer that arrives after the
// dialog is gone is dropped instead of reaching freed memory. A server that holds every request
// until the test answers it stands in for a slow tapd.
#include "consoletest.h"
#include "dialogs/formdialog.h"
#include "dialogs/signindialog.h"
#include "pages/credentialspage.h"

#include <QLineEdit>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

using namespace tap::console;
using namespace tap::console::test;

namespace {

// Accepts connections and answers nothing until answer(); records whether the client hung up.
class HoldServer : public QObject
{
public:
    bool listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                m_socket = s;
                connect(s, &QTcpSocket::readyRead, this, [this, s] { m_request += s->readAll(); });
                connect(s, &QTcpSocket::disconnected, this, [this] { m_hungUp = true; });
            }
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    bool gotRequest() const { return m_request.contains("\r\n\r\n"); }
    bool hungUp() const { return m_hungUp; }
    // A success as tapd would send it for a created credential (or the status line and body
    // given).
    void answer(const QByteArray &status = "201 Created",
                const QByteArray &body = R"({"name":"slow","scope_kind":"team","scope_id":null})")
    {
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        m_socket->write("HTTP/1.1 " + status
                        + "\r\nContent-Type: application/json\r\n"
                          "Content-Length: "
                        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        m_socket->flush();
    }

private:
    QTcpServer m_server;
    QPointer<QTcpSocket> m_socket;
    QByteArray m_request;
    bool m_hungUp = false;
};

} // namespace

class TestDialogs : public QObject, public ConsoleRig
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(startRig());
        QVERIFY(signIn(*m_session, *m_fake));
        m_hold = std::make_unique<HoldServer>();
        QVERIFY(m_hold->listen());
    }
    void cleanup()
    {
        stopRig();
        m_hold.reset();
        m_desktop = {};
    }

    void closingWhileSendingAbortsAndDropsTheAnswer_data()
    {
        QTest::addColumn<bool>("escape"); // Esc, or the Cancel button
        QTest::newRow("escape") << true;
        QTest::newRow("cancel") << false;
    }
    void closingWhileSendingAbortsAndDropsTheAnswer();
    void signInDialogClosedWhileLoggingIn();

private:
    FakeDesktop m_desktop;
    std::unique_ptr<HoldServer> m_hold;
};

void TestDialogs::closingWhileSendingAbortsAndDropsTheAnswer()
{
    QFETCH(bool, escape);
    CredentialsPage page(m_session.get(), m_desktop.environment());
    page.show();
    m_session->api()->setBaseUrl(m_hold->url()); // the signed-in session, now a slow server
    click(&page, "newButton");
    QPointer<FormDialog> dialog = child<FormDialog>(&page, "credentialDialog");
    QVERIFY(dialog);
    child<QLineEdit>(dialog, "name")->setText(QStringLiteral("slow"));
    child<QLineEdit>(dialog, "description")->setText(QStringLiteral("held by the server"));
    click(dialog, "okButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_hold->gotRequest(), kTimeout);
    QVERIFY(dialog->isSending());
    QVERIFY(!child<QAbstractButton>(dialog, "okButton")->isEnabled());
    if (escape) {
        QTest::keyClick(dialog, Qt::Key_Escape);
    } else {
        // Cancel stays available while the request runs.
        click(dialog, "cancelButton");
    }
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, kTimeout); // WA_DeleteOnClose
    // The request was aborted: the server sees the connection close. Without the fix it stays
    // open, and the answer below reaches the deleted dialog.
    const bool aborted = QTest::qWaitFor([this] { return m_hold->hungUp(); }, 5000);
    m_hold->answer();
    QTest::qWait(300);
    QVERIFY(aborted);
    QVERIFY(!m_session->api()->isBusy());
    QVERIFY(page.statusText().isEmpty()); // nothing claims the credential was created
    QVERIFY(page.errorText().isEmpty());
}

// The log-in answer reaches no deleted dialog (a crash, or an ASan report, without the binding).
void TestDialogs::signInDialogClosedWhileLoggingIn()
{
    QPointer<SignInDialog> dialog = new SignInDialog(m_session.get());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    child<QLineEdit>(dialog, "serverUrl")->setText(m_hold->url().toString());
    child<QLineEdit>(dialog, "email")->setText(QStringLiteral("admin@example.com"));
    child<QLineEdit>(dialog, "password")->setText(QStringLiteral("wrong password"));
    click(dialog, "loginButton");
    QTRY_VERIFY_WITH_TIMEOUT(m_hold->gotRequest(), kTimeout);
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, kTimeout);
    m_hold->answer("401 Unauthorized",
                   R"({"error":{"code":"unauthorized","message":"Wrong email or password."}})");
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->api()->isBusy(), kTimeout); // the answer was handled
    QVERIFY(!m_session->api()->hasSession());
}

QTEST_MAIN(TestDialogs)
#include "tst_console_dialogs.moc"
