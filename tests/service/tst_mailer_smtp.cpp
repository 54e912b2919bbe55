// Tests for the mail sender over SMTP against a real server (tests/support/smtp_server.py,
// aiosmtpd) in plain, STARTTLS and implicit TLS modes: authentication, retries, timeouts,
// threads and shutdown.

#include "support/mailerfixture.h"

using namespace tap::test::mailerfixture;

class TestMailerSmtp : public QObject, public MailerSuite
{
    Q_OBJECT

private slots:
    void initTestCase() { initSuite(); }

    // --- SMTP --------------------------------------------------------------------------------

    void smtpPlain()
    {
        SmtpServer server;
        QVERIFY(server.start());
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QVERIFY(!mailer.usesOutbox());
        QSignalSpy spy(&mailer, &Mailer::delivered);

        const QString body = u"Code 654321\n.leading dot\n..two dots\n.\nlast"_s;
        QVERIFY(mailer.send({ u"Bob <bob@example.test>"_s, u"Hello"_s, body }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toString(), u"Bob <bob@example.test>"_s);
        QCOMPARE(spy.at(0).at(1).toBool(), true);
        QCOMPARE(mailer.pendingCount(), 0);

        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        const QJsonObject envelope = received.first().envelope;
        QCOMPARE(envelope.value(u"mail_from"_s).toString(), u"tap@example.test"_s);
        QCOMPARE(envelope.value(u"rcpt_tos"_s).toArray(), QJsonArray({ u"bob@example.test"_s }));
        QCOMPARE(envelope.value(u"tls"_s).toBool(), false);
        const ParsedMail mail = parseMail(received.first().data);
        QCOMPARE(mail.headers.value(u"subject"_s), u"Hello"_s);
        QCOMPARE(mail.headers.value(u"to"_s), u"Bob <bob@example.test>"_s);
        // The server undid the dot-stuffing: the lines arrive exactly as written.
        QCOMPARE(mail.body,
                 QByteArray("Code 654321\r\n.leading dot\r\n..two dots\r\n.\r\nlast\r\n"));
    }

    void smtpEightBitMime()
    {
        SmtpServer server;
        QVERIFY(server.start());
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        const QString body = u"Grüße, код 777"_s;
        QVERIFY(mailer.send({ u"Jörg <jorg@bücher.example>"_s, u"Grüße"_s, body }).ok());
        QVERIFY(!mailer.send({ u"jörg@example.test"_s, u"s"_s, u"b"_s }).ok()); // needs SMTPUTF8
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QVERIFY(received.first()
                        .envelope.value(u"mail_options"_s)
                        .toArray()
                        .contains(u"BODY=8BITMIME"_s));
        QCOMPARE(received.first().envelope.value(u"rcpt_tos"_s).toArray(),
                 QJsonArray({ u"jorg@xn--bcher-kva.example"_s }));
        const ParsedMail mail = parseMail(received.first().data);
        QCOMPARE(decodeEncodedWords(mail.headers.value(u"subject"_s)), u"Grüße"_s);
        QCOMPARE(QString::fromUtf8(mail.body), body + u"\r\n"_s);
    }

    void smtpStartTlsWithAuth()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--require-starttls"_s, u"--auth-user"_s, u"alice"_s,
                                            u"--auth-pass"_s, u"S3cret-Pa55word"_s }));
        Mailer mailer(smtpConfig(
                smtpUrl(u"smtp"_s, server.port(), u"alice"_s, u"S3cret-Pa55word"_s, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"Over TLS"_s, u"secret code 111222"_s })
                        .ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY2(spy.at(0).at(1).toBool(), qPrintable(logs.text()));
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"tls"_s).toBool(), true);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"alice"_s);
        QVERIFY(!logs.text().contains(u"S3cret-Pa55word"_s));
        QVERIFY(!logs.text().contains(u"111222"_s));
    }

    void smtpImplicitTls()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--implicit-tls"_s, u"--auth-user"_s, u"alice"_s,
                                            u"--auth-pass"_s, u"pw-implicit"_s }));
        Mailer mailer(smtpConfig(
                smtpUrl(u"smtps"_s, server.port(), u"alice"_s, u"pw-implicit"_s, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"smtps"_s, u"hello"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"tls"_s).toBool(), true);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"alice"_s);
    }

    void smtpUntrustedCertificateFails()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs() + QStringList{ u"--require-starttls"_s }));
        // No cafile: the self-signed certificate must not be accepted, STARTTLS or not.
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(server.messages().size(), 0);
        QCOMPARE(logs.count(u"mail.attempt_failed"_s), 1); // not retried: it would fail again
        QVERIFY(logs.text().contains(u"tls_handshake"_s));
    }

    void smtpWrongPasswordFailsWithoutLoggingIt()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--auth-user"_s, u"alice"_s, u"--auth-pass"_s,
                                            u"right-password"_s }));
        const QString wrong = u"Wr0ng-Passw0rd-xyz"_s;
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port(), u"alice"_s, wrong, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"Code"_s, u"verification 987654"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(server.messages().size(), 0);

        const QString text = logs.text();
        QVERIFY2(text.contains(u"\"smtp_code\":535"_s), qPrintable(text));
        QVERIFY(text.contains(QString::number(server.port())));
        QVERIFY(!text.contains(wrong));
        QVERIFY(!text.contains(QString::fromLatin1(wrong.toUtf8().toBase64())));
        QVERIFY(!text.contains(
                QString::fromLatin1(QByteArray("\0alice\0" + wrong.toUtf8()).toBase64())));
        QVERIFY(!text.contains(u"987654"_s));
        QCOMPARE(logs.count(u"mail.attempt_failed"_s), 1); // 5xx is permanent
    }

    void smtpAuthLogin()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--auth-user"_s, u"dave"_s, u"--auth-pass"_s,
                                            u"login-pw"_s, u"--auth-exclude"_s, u"PLAIN"_s }));
        Mailer mailer(smtpConfig(
                smtpUrl(u"smtp"_s, server.port(), u"dave"_s, u"login-pw"_s, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY2(spy.at(0).at(1).toBool(), qPrintable(logs.text()));
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"dave"_s);
        QVERIFY(!logs.text().contains(u"login-pw"_s));
    }

    void smtpCleartextAuthOnLoopback()
    {
        // A password may go in clear only when it never leaves the machine (a local relay).
        SmtpServer server;
        QVERIFY(server.start({ u"--auth-user"_s, u"carol"_s, u"--auth-pass"_s, u"local-pw"_s,
                               u"--auth-allow-cleartext"_s }));
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port(), u"carol"_s, u"local-pw"_s)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"tls"_s).toBool(), false);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"carol"_s);
    }

    void smtpRefusesCleartextPasswordToRemoteHost()
    {
        // A non-loopback address of this machine stands in for a remote host.
        QHostAddress external;
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback()) {
                external = a;
                break;
            }
        }
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address on this machine");
        SmtpServer server;
        QVERIFY(server.start({ u"--host"_s, external.toString(), u"--auth-user"_s, u"carol"_s,
                               u"--auth-pass"_s, u"remote-pw"_s, u"--auth-allow-cleartext"_s }));
        QUrl url = smtpUrl(u"smtp"_s, server.port(), u"carol"_s, u"remote-pw"_s);
        url.setHost(external.toString());
        Mailer mailer(smtpConfig(url));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(server.messages().size(), 0);
        QVERIFY2(logs.text().contains(u"without TLS"_s), qPrintable(logs.text()));
        QVERIFY(!logs.text().contains(u"remote-pw"_s));
    }

    void smtpRetriesTransientFailure()
    {
        SmtpServer server;
        QVERIFY(server.start({ u"--tempfail"_s, u"2"_s }));
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        QCOMPARE(server.messages().size(), 1);
        QCOMPARE(logs.count(u"\"smtp_code\":451"_s), 2);
        QCOMPARE(logs.count(u"mail.retry_scheduled"_s), 2);
    }

    void smtpUnreachableFailsAfterRetries()
    {
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, closedPort())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QVERIFY(timer.elapsed() < 1000); // send() only queues
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(logs.count(u"mail.attempt_failed"_s), 4); // first try + 3 retries
        QCOMPARE(logs.count(u"mail.failed"_s), 1);
        QCOMPARE(mailer.pendingCount(), 0);
        QTest::qWait(300);
        QCOMPARE(spy.count(), 1); // exactly one final outcome
    }

    void smtpSilentServerTimesOut()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> accepted; // kept open, never answered
        connect(&silent, &QTcpServer::newConnection, this,
                [&] { accepted.append(silent.nextPendingConnection()); });
        MailerConfig config = smtpConfig(smtpUrl(u"smtp"_s, silent.serverPort()));
        config.timeoutMs = 300;
        config.retryDelaysMs = {};
        Mailer mailer(config);
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 5000);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QVERIFY(logs.text().contains(u"\"step\":\"greeting\""_s));
        QVERIFY(logs.text().contains(u"timeout"_s));
        QVERIFY(!accepted.isEmpty());
    }

    void sendFromOtherThreads()
    {
        SmtpServer server;
        QVERIFY(server.start());
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);

        constexpr int kThreads = 3;
        constexpr int kPerThread = 3;
        std::atomic<int> accepted{ 0 };
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&mailer, &accepted, t] {
                for (int i = 0; i < kPerThread; ++i) {
                    const QString to = u"user%1-%2@example.test"_s.arg(t).arg(i);
                    if (mailer.send({ to, u"threaded"_s, u"body"_s }).ok())
                        ++accepted;
                }
            }));
            threads.back()->start();
        }
        for (auto &thread : threads)
            QVERIFY(thread->wait(10000));
        QCOMPARE(accepted.load(), kThreads * kPerThread);

        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), kThreads * kPerThread, kDeliveryTimeoutMs);
        QSet<QString> recipients;
        for (const auto &args : spy) {
            QVERIFY(args.at(1).toBool());
            recipients.insert(args.at(0).toString());
        }
        QCOMPARE(recipients.size(), kThreads * kPerThread);
        QCOMPARE(server.messages().size(), kThreads * kPerThread);

        // Outbox mode from another thread writes synchronously there.
        QTemporaryDir tmp;
        Mailer outbox(outboxConfig(tmp.path()));
        bool ok = false;
        std::unique_ptr<QThread> thread(QThread::create([&] {
            ok = outbox.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok();
        }));
        thread->start();
        QVERIFY(thread->wait(10000));
        QVERIFY(ok);
        QVERIFY(!outboxFile(tmp.path()).isEmpty());
    }

    void destroyWithPendingMessages()
    {
        // Deleting the Mailer mid-session must not crash or emit afterwards.
        SmtpServer server;
        QVERIFY(server.start());
        auto mailer = std::make_unique<Mailer>(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        for (int i = 0; i < 5; ++i)
            QVERIFY(mailer->send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QSignalSpy spy(mailer.get(), &Mailer::delivered);
        QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, kDeliveryTimeoutMs);
        mailer.reset();
        QTest::qWait(200);
    }
};

QTEST_GUILESS_MAIN(TestMailerSmtp)
#include "tst_mailer_smtp.moc"
