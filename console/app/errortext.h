#pragma once

#include "apiclient/apiclient.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>

namespace tap::console {

// The sentence shown for a failed call: the server's error code mapped to a translated
// sentence (never the server's own, developer-facing message), a generic sentence for codes
// without one. `specific` overrides the table for one screen (e.g. "unauthorized" while
// logging in means a wrong password).
class ErrorText
{
    Q_DECLARE_TR_FUNCTIONS(tap::console::ErrorText)
public:
    static QString of(const apiclient::ApiClient::Reply &reply,
                      const QHash<QString, QString> &specific = {});
    // The sentence for a wire error code; empty for a code without one.
    static QString forCode(const QString &code);
    // A failed approve or deny: "conflict" and "not_found" there mean the request was decided
    // elsewhere, expired or is gone, not a clash of names.
    static QString ofDecision(const apiclient::ApiClient::Reply &reply);
};

} // namespace tap::console
