// Tests for the mail sender: outbox files, and the validation of messages and configurations
// (header injection, SMTP URLs).

#include "support/mailerfixture.h"

using namespace tap::test::mailerfixture;

class TestMailerOutbox : public QObject, public MailerSuite
{
    Q_OBJECT

private slots:
    void initTestCase() { initSuite(); }

    // --- outbox ------------------------------------------------------------------------------

    void outboxWritesMessage()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(u"outbox"_s); // does not exist yet
        Mailer mailer(outboxConfig(dir));
        QVERIFY(mailer.usesOutbox());
        QSignalSpy spy(&mailer, &Mailer::delivered);

        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const auto sent =
                mailer.send({ u"Alice <alice@example.test>"_s, u"Your TAP verification code"_s,
                              u"Your code is 123456.\n.hidden\nend"_s });
        QVERIFY2(sent.ok(), qPrintable(sent.ok() ? QString() : sent.error().message()));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), u"Alice <alice@example.test>"_s);
        QCOMPARE(spy.at(0).at(1).toBool(), true);

        QCOMPARE(fileMode(dir), 0700);
        const QString path = outboxFile(dir);
        QVERIFY(!path.isEmpty());
        QVERIFY(QRegularExpression(u"^\\d{13}-[0-9a-f]{16}\\.eml$"_s)
                        .match(QFileInfo(path).fileName())
                        .hasMatch());
        QCOMPARE(fileMode(path), 0600);
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temp file left

        const QByteArray data = readAll(path);
        QVERIFY(!data.contains("\n\n")); // CRLF throughout
        QCOMPARE(data.count('\n'), data.count("\r\n"));
        const ParsedMail mail = parseMail(data);
        QCOMPARE(mail.headers.value(u"from"_s), u"TAP <tap@example.test>"_s);
        QCOMPARE(mail.headers.value(u"to"_s), u"Alice <alice@example.test>"_s);
        QCOMPARE(mail.headers.value(u"subject"_s), u"Your TAP verification code"_s);
        QCOMPARE(mail.headers.value(u"mime-version"_s), u"1.0"_s);
        QCOMPARE(mail.headers.value(u"content-type"_s), u"text/plain; charset=utf-8"_s);
        QCOMPARE(mail.headers.value(u"content-transfer-encoding"_s), u"7bit"_s);
        QVERIFY(QRegularExpression(u"^<[0-9a-f]{32}@example\\.test>$"_s)
                        .match(mail.headers.value(u"message-id"_s))
                        .hasMatch());
        const QString dateText = mail.headers.value(u"date"_s);
        QVERIFY2(QRegularExpression(u"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} "
                                    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
                                    "\\d\\d:\\d\\d:\\d\\d \\+0000$"_s)
                         .match(dateText)
                         .hasMatch(),
                 qPrintable(dateText));
        const QDateTime date = QDateTime::fromString(dateText, Qt::RFC2822Date);
        QVERIFY(date.isValid());
        QVERIFY(date.toSecsSinceEpoch() >= before - 1);
        QVERIFY(date.toSecsSinceEpoch() <= QDateTime::currentSecsSinceEpoch() + 1);
        // The file is the message itself: no dot-stuffing (that belongs to the SMTP transport).
        QCOMPARE(mail.body, QByteArray("Your code is 123456.\r\n.hidden\r\nend\r\n"));
    }

    void outboxUniqueNames()
    {
        QTemporaryDir tmp;
        Mailer mailer(outboxConfig(tmp.path()));
        LogCapture quiet;
        for (int i = 0; i < 50; ++i)
            QVERIFY(mailer.send({ u"bob@example.test"_s, u"n"_s, QString::number(i) }).ok());
        const QStringList files = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(files.size(), 50);
        QSet<QByteArray> bodies;
        for (const QString &f : files) {
            QVERIFY(f.endsWith(u".eml"_s));
            bodies.insert(parseMail(readAll(QDir(tmp.path()).filePath(f))).body);
        }
        QCOMPARE(bodies.size(), 50);
    }

    void outboxNonAscii()
    {
        QTemporaryDir tmp;
        MailerConfig config = outboxConfig(tmp.path());
        config.from = u"Équipe TAP <tap@example.test>"_s;
        Mailer mailer(config);
        const QString subject =
                u"Ваш код подтверждения TAP — 123456 ✓ 🔐 with a fairly long tail of text"_s;
        const QString body = u"Grüße! Код: 123456 🔐\nhttps://tap.example/verify?code=123456"_s;
        QVERIFY(mailer.send({ u"Zoë \"Z\" Ünal <zoe@example.test>"_s, subject, body }).ok());

        const QByteArray data = readAll(outboxFile(tmp.path()));
        const ParsedMail mail = parseMail(data);
        // Headers are pure ASCII with short lines; the words decode to the original text.
        for (const QByteArray &line : mail.rawHeaders.split('\n')) {
            QVERIFY2(line.size() <= 79, line.constData());
            for (char c : line)
                QVERIFY(uchar(c) < 0x80);
        }
        QVERIFY(mail.rawHeaders.contains("Subject: =?UTF-8?B?"));
        QCOMPARE(decodeEncodedWords(mail.headers.value(u"subject"_s)), subject);
        const QString from = mail.headers.value(u"from"_s);
        QVERIFY(from.endsWith(u" <tap@example.test>"_s));
        QCOMPARE(decodeEncodedWords(from.chopped(19)), u"Équipe TAP"_s);
        const QString to = mail.headers.value(u"to"_s);
        QVERIFY(to.endsWith(u" <zoe@example.test>"_s));
        QCOMPARE(decodeEncodedWords(to.chopped(19)), u"Zoë \"Z\" Ünal"_s);
        // 8bit keeps the outbox readable (quoted-printable would turn "code=" into "code=3D").
        QCOMPARE(mail.headers.value(u"content-transfer-encoding"_s), u"8bit"_s);
        QCOMPARE(QString::fromUtf8(mail.body), QString(body + u'\n').replace(u"\n"_s, u"\r\n"_s));
    }

    void outboxLongLineIsQuotedPrintable()
    {
        QTemporaryDir tmp;
        Mailer mailer(outboxConfig(tmp.path()));
        const QString body = u"start "_s + QString(1500, u'x') + u" = é end\r\nsecond line \n"_s;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"long"_s, body }).ok());
        const ParsedMail mail = parseMail(readAll(outboxFile(tmp.path())));
        QCOMPARE(mail.headers.value(u"content-transfer-encoding"_s), u"quoted-printable"_s);
        for (const QByteArray &line : mail.body.split('\n'))
            QVERIFY(line.size() <= 77); // 76 + CR
        QCOMPARE(QString::fromUtf8(decodeQuotedPrintable(mail.body)),
                 u"start "_s + QString(1500, u'x') + u" = é end\r\nsecond line \r\n"_s);
    }

    void outboxUnwritable()
    {
        QTemporaryDir tmp;
        QFile blocker(tmp.filePath(u"file"_s));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        // A directory below a regular file cannot exist, even for root.
        Mailer mailer(outboxConfig(tmp.filePath(u"file/outbox"_s)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        const auto sent = mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s });
        QVERIFY(!sent.ok());
        QCOMPARE(sent.error().code(), tap::core::ErrorCode::Unavailable);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
    }

    // --- validation --------------------------------------------------------------------------

    void headerInjectionRejected()
    {
        QTemporaryDir tmp;
        Mailer outbox(outboxConfig(tmp.path()));
        Mailer smtp(smtpConfig(smtpUrl(u"smtp"_s, closedPort())));
        const QList<MailMessage> bad = {
            { u"bob@example.test\r\nBcc: eve@example.test"_s, u"s"_s, u"b"_s },
            { u"bob@example.test\nBcc: eve@example.test"_s, u"s"_s, u"b"_s },
            { u"bob@example.test"_s, u"hello\r\nBcc: eve@example.test"_s, u"b"_s },
            { u"bob@example.test"_s, u"hello\rX-Evil: 1"_s, u"b"_s },
            { u"bob@example.test"_s, u"nul\u0000byte"_s, u"b"_s },
            { u"bob@example.test>\r\nRCPT TO:<eve@example.test"_s, u"s"_s, u"b"_s },
            { u"bob@example.test> NOTIFY=NEVER"_s, u"s"_s, u"b"_s },
            { u"not an address"_s, u"s"_s, u"b"_s },
            { QString(), u"s"_s, u"b"_s },
        };
        for (Mailer *mailer : { &outbox, &smtp }) {
            QSignalSpy spy(mailer, &Mailer::delivered);
            for (const MailMessage &m : bad) {
                const auto sent = mailer->send(m);
                QVERIFY2(!sent.ok(), qPrintable(m.to + u" / "_s + m.subject));
                QCOMPARE(sent.error().code(), tap::core::ErrorCode::InvalidRequest);
            }
            QTest::qWait(50);
            QCOMPARE(spy.count(), 0);
            QCOMPARE(mailer->pendingCount(), 0);
        }
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);

        // A configured sender with a line break is refused as well.
        MailerConfig config = outboxConfig(tmp.path());
        config.from = u"tap@example.test\r\nBcc: eve@example.test"_s;
        QVERIFY(!Mailer::validate(config).ok());
        Mailer badFrom(config);
        QVERIFY(!badFrom.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
    }

    void configValidation()
    {
        const auto check = [](const QString &url) {
            return Mailer::validate(smtpConfig(QUrl(url)));
        };
        QVERIFY(check(u"smtp://u:p@mail.example.test:587"_s).ok());
        QVERIFY(check(u"smtps://mail.example.test"_s).ok());
        QVERIFY(!check(u"http://mail.example.test"_s).ok());
        QVERIFY(!check(u"smtp:///nohost"_s).ok());
        QVERIFY(!check(u"smtp://mail.example.test/path"_s).ok());
        QVERIFY(!check(u"smtp://mail.example.test?insecure=1"_s).ok());
        const auto missingCa =
                check(u"smtp://u:hunter2pw@h.example.test?cafile=/nonexistent.pem"_s);
        QVERIFY(!missingCa.ok());
        QVERIFY(!missingCa.error().message().contains(u"hunter2pw"_s));
        QVERIFY(check(u"smtp://h.example.test?cafile="_s + m_certPath).ok());

        MailerConfig noOutbox;
        QVERIFY(!Mailer::validate(noOutbox).ok());

        // An invalid configuration makes every send() fail instead of failing later.
        Mailer mailer(smtpConfig(QUrl(u"ftp://x.example.test"_s)));
        QVERIFY(!mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
    }
};

QTEST_GUILESS_MAIN(TestMailerOutbox)
#include "tst_mailer_outbox.moc"
