#pragma once

#include <QJsonObject>
#include <QLoggingCategory>

namespace tap::core {

Q_DECLARE_LOGGING_CATEGORY(lcApp)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcCrypto)
Q_DECLARE_LOGGING_CATEGORY(lcAudit)

// Installs a message handler that writes one JSON object per line to stderr:
// {"ts": RFC 3339 with ms, "level", "category", "msg", ...fields}. Messages produced by
// logEvent() carry structured fields that are merged into the object.
void installJsonLogHandler();

// Logs an event with structured fields. Callers must not put secrets in fields: values are
// logged as given. `level` is one of QtDebugMsg, QtInfoMsg, QtWarningMsg, QtCriticalMsg.
void logEvent(const QLoggingCategory &category, QtMsgType level, const QString &event,
              const QJsonObject &fields = {});

// Appends `text` as a JSON string literal (quotes and escapes included).
void appendJsonString(QByteArray &out, QByteArrayView text);

} // namespace tap::core
