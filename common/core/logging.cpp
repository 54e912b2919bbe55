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

// Appends `text` as a JSON string literal (RFC 8259 §7).
void appendJsonString(QByteArray &out, QByteArrayView text)
{
    out += '"';
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uchar(c) < 0x20)
                out += "\\u00" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    out += '"';
}

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
    // Built by hand: this runs for every request, and a QJsonObject round trip per line
    // costs more than the rest of the line's work.
    QByteArray out;
    out.reserve(256 + message.size());
    out += "{\"ts\":\"" + QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toLatin1()
            + "\",\"level\":\"" + levelName(type).toLatin1() + "\",\"category\":";
    appendJsonString(
            out, context.category ? QByteArrayView(context.category) : QByteArrayView("default"));
    if (message.startsWith(kFieldsMarker)) {
        // The message is "\x1e" + a compact JSON object of fields: splice its members in.
        const QByteArray fields = message.mid(2).toUtf8();
        if (fields.size() > 1)
            out += ',' + fields;
        else
            out += '}';
    } else {
        out += ",\"msg\":";
        appendJsonString(out, message.toUtf8());
        out += '}';
    }
    out += '\n';
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
    const QString text =
            QChar(u'\x1e') + QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact));
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
