#include "core/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMutex>

#include <cstdio>

namespace tap::core {

Q_LOGGING_CATEGORY(lcApp, "tap.app")
Q_LOGGING_CATEGORY(lcHttp, "tap.http")
Q_LOGGING_CATEGORY(lcStore, "tap.store")
Q_LOGGING_CATEGORY(lcCrypto, "tap.crypto")
Q_LOGGING_CATEGORY(lcAudit, "tap.audit")

namespace {

// Prefix marking a message whose text is a JSON object of fields (see logEvent()).
constexpr QLatin1StringView kFieldsMarker("\x1e{");

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("error");
    case QtFatalMsg:
        return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

void jsonHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QJsonObject line;
    line.insert(QStringLiteral("ts"),
                QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    line.insert(QStringLiteral("level"), levelName(type));
    line.insert(QStringLiteral("category"),
                QString::fromLatin1(context.category ? context.category : "default"));
    if (message.startsWith(kFieldsMarker)) {
        const QJsonObject fields =
                QJsonDocument::fromJson(message.mid(1).toUtf8()).object();
        for (auto it = fields.begin(); it != fields.end(); ++it)
            line.insert(it.key(), it.value());
    } else {
        line.insert(QStringLiteral("msg"), message);
    }
    const QByteArray out = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    std::fwrite(out.constData(), 1, size_t(out.size()), stderr);
    std::fflush(stderr);
}

} // namespace

void installJsonLogHandler()
{
    qInstallMessageHandler(jsonHandler);
}

void logEvent(const QLoggingCategory &category, QtMsgType level, const QString &event,
              const QJsonObject &fields)
{
    QJsonObject all = fields;
    all.insert(QStringLiteral("msg"), event);
    const QString text = QChar(u'\x1e')
            + QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact));
    switch (level) {
    case QtDebugMsg:
        qCDebug(category).noquote() << text;
        break;
    case QtInfoMsg:
        qCInfo(category).noquote() << text;
        break;
    case QtWarningMsg:
        qCWarning(category).noquote() << text;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        qCCritical(category).noquote() << text;
        break;
    }
}

} // namespace tap::core
