// The shared fixture of the mail sender tests (tests/service/tst_mailer*.cpp): a log capture,
// a parser of the written mails, tests/support/smtp_server.py (aiosmtpd) in a child process,
// and the mailer configurations the tests use, with a self-signed certificate for TLS.
#pragma once

#include "channels/mailer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrlQuery>

#include <cstdio>
#include <memory>

#include <sys/stat.h>

namespace tap::test::mailerfixture {

using namespace Qt::Literals::StringLiterals;
using tap::channels::Mailer;
using tap::channels::MailerConfig;
using tap::channels::MailMessage;

inline constexpr int kDeliveryTimeoutMs = 20000;

// Captures every log message while alive, to prove what is and is not logged.
class LogCapture
{
public:
    LogCapture()
    {
        QMutexLocker lock(&s_mutex);
        s_text.clear();
        m_previous = qInstallMessageHandler(handler);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        if (qEnvironmentVariableIsSet("TAP_TEST_SHOW_LOGS"))
            std::fputs(text().toUtf8().constData(), stderr);
    }

    QString text() const
    {
        QMutexLocker lock(&s_mutex);
        return s_text;
    }
    int count(const QString &needle) const { return int(text().count(needle)); }

private:
    static void handler(QtMsgType, const QMessageLogContext &context, const QString &message)
    {
        QMutexLocker lock(&s_mutex);
        s_text += QString::fromLatin1(context.category ? context.category : "default") + u' '
                + message + u'\n';
    }

    static inline QMutex s_mutex;
    static inline QString s_text;
    QtMessageHandler m_previous = nullptr;
};

struct ParsedMail
{
    QMap<QString, QString> headers; // lower-case name → unfolded value
    QByteArray rawHeaders;
    QByteArray body;
};

inline ParsedMail parseMail(const QByteArray &data)
{
    ParsedMail mail;
    const qsizetype split = data.indexOf("\r\n\r\n");
    if (split < 0)
        return mail;
    mail.rawHeaders = data.left(split + 2);
    mail.body = data.mid(split + 4);
    QByteArray unfolded = mail.rawHeaders;
    unfolded.replace("\r\n ", " ").replace("\r\n\t", " ");
    for (const QByteArray &line : unfolded.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        const qsizetype colon = trimmed.indexOf(':');
        if (colon <= 0)
            continue;
        mail.headers.insert(QString::fromLatin1(trimmed.left(colon)).toLower(),
                            QString::fromLatin1(trimmed.mid(colon + 1).trimmed()));
    }
    return mail;
}

// RFC 2047 for the one form the mailer produces: whitespace-separated "B" words in UTF-8.
inline QString decodeEncodedWords(const QString &value)
{
    static const QRegularExpression word(u"^=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=$"_s);
    QByteArray bytes;
    for (const QString &part : value.split(u' ', Qt::SkipEmptyParts)) {
        const auto match = word.match(part);
        if (!match.hasMatch())
            return u"<not an encoded word: "_s + part + u'>';
        bytes += QByteArray::fromBase64(match.captured(1).toLatin1());
    }
    return QString::fromUtf8(bytes);
}

inline QByteArray decodeQuotedPrintable(QByteArray text)
{
    text.replace("=\r\n", "");
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '=' && i + 2 < text.size()) {
            out += char(text.mid(i + 1, 2).toInt(nullptr, 16));
            i += 2;
        } else {
            out += text.at(i);
        }
    }
    return out;
}

inline int fileMode(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

inline QString pythonPath()
{
    const QString fromEnv = qEnvironmentVariable("TAP_TEST_PYTHON");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Debian's interpreter is the one with python3-aiosmtpd, whatever is first on PATH.
    if (QFile::exists(u"/usr/bin/python3"_s))
        return u"/usr/bin/python3"_s;
    return u"python3"_s;
}

inline QString supportDir()
{
    const QString fromEnv = qEnvironmentVariable("TAP_TEST_SUPPORT");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString data = qEnvironmentVariable("TAP_TEST_DATA");
    if (!data.isEmpty())
        return QDir::cleanPath(data + u"/../support"_s);
    return QStringLiteral(TAP_TEST_SUPPORT_DIR);
}

// tests/support/smtp_server.py in a child process, stopped with the object.
class SmtpServer
{
public:
    ~SmtpServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    bool start(const QStringList &extraArgs = {})
    {
        m_maildir = m_dir.filePath(u"mail"_s);
        m_process.setProgram(pythonPath());
        m_process.setArguments(QStringList{ supportDir() + u"/smtp_server.py"_s, u"--port"_s,
                                            u"0"_s, u"--maildir"_s, m_maildir }
                               + extraArgs);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (!m_process.canReadLine() && timer.elapsed() < 20000
               && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(200);
        }
        const QByteArray line = m_process.readLine().trimmed();
        if (!line.startsWith("PORT "))
            return false;
        m_port = quint16(line.mid(5).toUInt());
        return m_port != 0;
    }

    quint16 port() const { return m_port; }

    struct Received
    {
        QJsonObject envelope;
        QByteArray data;
    };
    QList<Received> messages() const
    {
        QList<Received> out;
        const QDir dir(m_maildir);
        for (const QString &name : dir.entryList({ u"*.json"_s }, QDir::Files, QDir::Name)) {
            QFile meta(dir.filePath(name));
            QFile eml(dir.filePath(name.chopped(5) + u".eml"_s));
            if (!meta.open(QIODevice::ReadOnly) || !eml.open(QIODevice::ReadOnly))
                continue;
            out.append({ QJsonDocument::fromJson(meta.readAll()).object(), eml.readAll() });
        }
        return out;
    }

private:
    QTemporaryDir m_dir;
    QString m_maildir;
    QProcess m_process;
    quint16 m_port = 0;
};

// A port on which nothing listens (bound, then released).
inline quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

inline QString outboxFile(const QString &dir)
{
    const QStringList files = QDir(dir).entryList({ u"*.eml"_s }, QDir::Files);
    return files.size() == 1 ? QDir(dir).filePath(files.first()) : QString();
}

inline QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The shared state of a mailer test class (which derives from QObject and this): the
// certificate made by initSuite(), called from initTestCase(), after checking that aiosmtpd and
// the SMTP server script are there.
class MailerSuite
{
protected:
    void initSuite()
    {
        QVERIFY(m_certDir.isValid());
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");

        QProcess check;
        check.start(pythonPath(), { u"-c"_s, u"import aiosmtpd"_s });
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitCode() == 0,
                 "python3-aiosmtpd is missing: apt-get install -y python3-aiosmtpd");
        QVERIFY2(QFile::exists(supportDir() + u"/smtp_server.py"_s),
                 qPrintable(u"no smtp_server.py in "_s + supportDir()));

        // A self-signed certificate for 127.0.0.1 that the mailer trusts only via ?cafile=.
        m_certPath = m_certDir.filePath(u"cert.pem"_s);
        m_keyPath = m_certDir.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(u"openssl"_s,
                      { u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s,
                        u"2"_s, u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                        u"subjectAltName=IP:127.0.0.1"_s, u"-keyout"_s, m_keyPath, u"-out"_s,
                        m_certPath });
        QVERIFY(openssl.waitForFinished(60000));
        QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
    }

    QTemporaryDir m_certDir;
    QString m_certPath;
    QString m_keyPath;

    // Not inlined: GCC 12 sees the inlined MailerConfig() in some callers and warns, wrongly, of
    // an uninitialized read in its QList initializer (-Wmaybe-uninitialized).
    Q_NEVER_INLINE MailerConfig outboxConfig(const QString &dir) const
    {
        MailerConfig c;
        c.from = u"TAP <tap@example.test>"_s;
        c.outboxDir = dir;
        return c;
    }

    static MailerConfig smtpConfig(QUrl url)
    {
        MailerConfig c;
        c.smtpUrl = std::move(url);
        c.from = u"TAP <tap@example.test>"_s;
        c.timeoutMs = 5000;
        c.retryDelaysMs = { 50, 50, 50 };
        return c;
    }

    static QUrl smtpUrl(const QString &scheme, quint16 port, const QString &user = {},
                        const QString &password = {}, const QString &cafile = {})
    {
        QUrl url;
        url.setScheme(scheme);
        url.setHost(u"127.0.0.1"_s);
        url.setPort(port);
        if (!user.isEmpty()) {
            url.setUserName(user);
            url.setPassword(password);
        }
        if (!cafile.isEmpty()) {
            QUrlQuery q;
            q.addQueryItem(u"cafile"_s, cafile);
            url.setQuery(q);
        }
        return url;
    }

    QStringList tlsArgs() const
    {
        return { u"--tls-cert"_s, m_certPath, u"--tls-key"_s, m_keyPath };
    }
};

} // namespace tap::test::mailerfixture
