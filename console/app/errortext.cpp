#include "app/errortext.h"

namespace tap::console {

QString ErrorText::forCode(const QString &code)
{
    // One entry per wire code (core::errorName()); the server's message stays in its log.
    static const QHash<QString, const char *> sentences = {
        { QStringLiteral("network_error"),
          QT_TR_NOOP("The server could not be reached. Check the server URL and your "
                     "connection.") },
        { QStringLiteral("invalid_request"),
          QT_TR_NOOP("The server did not accept the entries. Check the fields and try again.") },
        { QStringLiteral("unauthorized"),
          QT_TR_NOOP("You are not signed in (any more). Log in again.") },
        { QStringLiteral("forbidden"), QT_TR_NOOP("Your role in this team does not allow this.") },
        { QStringLiteral("not_found"),
          QT_TR_NOOP("This item does not exist (any more). Refresh the page.") },
        { QStringLiteral("conflict"),
          QT_TR_NOOP("This clashes with an existing item (for example the same name). Choose "
                     "another name or refresh the page.") },
        { QStringLiteral("rate_limited"),
          QT_TR_NOOP("Too many attempts. Wait a little and try again.") },
        { QStringLiteral("payload_too_large"), QT_TR_NOOP("The entries are too large.") },
        { QStringLiteral("request_timeout"),
          QT_TR_NOOP("The server took too long to answer. Try again.") },
        { QStringLiteral("reauth_required"), QT_TR_NOOP("Log in again to confirm this change.") },
        { QStringLiteral("passkey_required"),
          QT_TR_NOOP("This needs your passkey: open the request in the browser.") },
        { QStringLiteral("approval_expired"), QT_TR_NOOP("The request has expired.") },
        { QStringLiteral("upstream_error"),
          QT_TR_NOOP("The other service did not accept the request. Check its settings and try "
                     "again.") },
        { QStringLiteral("upstream_timeout"),
          QT_TR_NOOP("The other service did not answer in time. Try again later.") },
        { QStringLiteral("unavailable"),
          QT_TR_NOOP("The server is busy or being maintained. Try again later.") },
        { QStringLiteral("internal_error"),
          QT_TR_NOOP("The server ran into an internal error. Try again; if it persists, tell "
                     "the server's administrator.") },
    };
    const auto it = sentences.constFind(code);
    return it == sentences.cend() ? QString() : tr(it.value());
}

QString ErrorText::of(const apiclient::ApiClient::Reply &reply,
                      const QHash<QString, QString> &specific)
{
    const QString code = reply.status == 0 ? QStringLiteral("network_error") : reply.error.code;
    if (specific.contains(code))
        return specific.value(code);
    const QString sentence = forCode(code);
    if (!sentence.isEmpty())
        return sentence;
    return tr("The server refused the request (HTTP status %1). Try again later.")
            .arg(reply.status);
}

QString ErrorText::ofDecision(const apiclient::ApiClient::Reply &reply)
{
    return of(reply,
              { { QStringLiteral("conflict"),
                  tr("This request was already decided or has expired; the list now shows its "
                     "state.") },
                { QStringLiteral("not_found"), tr("This request no longer exists.") } });
}

} // namespace tap::console
