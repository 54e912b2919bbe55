// One SMTP session (RFC 5321, STARTTLS per RFC 3207, AUTH PLAIN/LOGIN) delivering one message
// for the Mailer (mailer.h). Internal to tap_channels.
#pragma once

#include "core/secretbytes.h"

#include <QAbstractSocket>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

#include <functional>

class QSslSocket;

namespace tap::channels {

// One SMTP session delivering one message. It reports its outcome once through `done` and then
// closes the connection (QUIT) on its own and deletes itself.
class SmtpSession : public QObject
{
public:
    struct Params
    {
        QString host;
        quint16 port = 0;
        bool implicitTls = false;
        QString user;
        core::SecretBytes password;
        QSslConfiguration ssl;
        int timeoutMs = 30000;
        QByteArray fromAddress;
        QByteArray toAddress;
        QByteArray headers;
        QByteArray body;
        QByteArray messageId;
        int attempt = 1;
    };
    using Done = std::function<void(bool ok, bool permanent)>;

    SmtpSession(Params params, Done done, QObject *parent)
        : QObject(parent), m_p(std::move(params)), m_done(std::move(done)), m_timer(this)
    {
    }

    ~SmtpSession() override
    {
        if (m_socket) {
            m_socket->disconnect(this);
            m_socket->abort();
        }
    }

    void start();

private:
    enum class Step {
        Connect,
        TlsHandshake,
        Greeting,
        Ehlo,
        Helo,
        StartTls,
        AuthPlain,
        AuthLoginUser,
        AuthLoginPassword,
        AuthLoginDone,
        MailFrom,
        RcptTo,
        Data,
        Body,
        Quit,
        Closed,
    };

    static QString stepName(Step step);
    static bool isAuthStep(Step step)
    {
        return step == Step::AuthPlain || step == Step::AuthLoginUser
                || step == Step::AuthLoginPassword || step == Step::AuthLoginDone;
    }

    void arm() { m_timer.start(m_p.timeoutMs); }
    void sendLine(const QByteArray &line);
    void sendSecretLine(QByteArray line);
    void sendEhlo();
    void afterHello();
    void startAuth();
    void sendMailFrom();

    void onConnected();
    void onEncrypted();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void onDisconnected();
    void onTimeout();
    void handleReply(int code, const QList<QByteArray> &lines);

    void succeed();
    void failReply(int code, const QList<QByteArray> &lines);
    void fail(const QString &reason, bool permanent, int code = 0, const QString &reply = {});
    void report(bool ok, bool permanent);
    void close();

    Params m_p;
    Done m_done;
    QTimer m_timer;
    QSslSocket *m_socket = nullptr;
    Step m_step = Step::Connect;
    bool m_reported = false;
    bool m_closed = false;
    bool m_greeted = false;
    bool m_triedHelo = false;
    qsizetype m_replyBytes = 0;
    QByteArray m_buffer;
    QList<QByteArray> m_replyLines;
    QList<QByteArray> m_capabilities; // EHLO keywords and parameters, upper case
    QString m_sslErrors;
};

} // namespace tap::channels
