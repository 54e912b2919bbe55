#include "forward/oauth2retry.h"

#include "forward/oauth2refresher.h"

namespace tap::forward {

using core::Result;

bool shouldRetryOAuth2(int upstreamStatus, bool oauth2, bool bodyStreamed, bool retried)
{
    return upstreamStatus == 401 && oauth2 && !bodyStreamed && !retried;
}

Result<Resend> oauth2Resend(OAuth2Refresher &refresher, const store::CredentialRow &row,
                            const upstream::Request &sent, QList<sanitizer::Secret> secrets,
                            const QByteArray &rejected)
{
    upstream::Request request = sent;
    request.headers.removeIf([](const auto &h) {
        return h.first.compare("authorization", Qt::CaseInsensitive) == 0;
    });
    if (auto r = refresher.authorize(row, request, secrets, rejected); !r)
        return r.error();
    return Resend{ std::move(request), sanitizer::Scrubber(secrets) };
}

} // namespace tap::forward
